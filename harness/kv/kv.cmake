# Part 5 (included from harness/CMakeLists.txt): the KV fixture library
# raftlab_kv (harness/kv/) and the KV and rsm scenarios, which join the
# raftlab_scenarios object library so labtest registers them.
if(TARGET raftlab_fixture AND TARGET raftlab_linearizability)
  add_library(raftlab_kv STATIC
    kv/counter_sm.cc
    kv/kv_check.cc
    kv/kv_clerk.cc
    kv/kv_cluster.cc
    kv/kv_cluster_clients.cc
    kv/kv_history.cc
    kv/kv_server_node.cc
  )
  target_link_libraries(raftlab_kv PUBLIC raftlab_fixture raftlab_linearizability)

  set(_raftlab_kv_scenarios
    scenarios/kv_common.cc
    scenarios/kv_generic.cc
    scenarios/kv_custom.cc
    scenarios/kv_sjtu.cc
    scenarios/rsm_tests.cc
  )
  foreach(_s ${_raftlab_kv_scenarios})
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${_s})
      target_sources(raftlab_scenarios PRIVATE ${_s})
    endif()
  endforeach()
  target_link_libraries(raftlab_scenarios PUBLIC raftlab_kv)
endif()
