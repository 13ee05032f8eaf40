# Hostile plugins for the runner tests (tests/harness/run/runner_test.cc): each
# build of hostile_plugin.cc breaks the test process in one way. Included by
# tests/plugins/CMakeLists.txt, whose raftlab_test_plugin() it uses.
set(RAFTLAB_HOSTILE_PLUGINS quiet crash abort throw throw_thread hang_make hang_start busy log_crash flood
  crash_thread oom threads_raw fork open_write socket exec system
  threads_host crash_handler apply_zero apply_gap apply_huge host_after_kill kill_hangs exit)
foreach(kind ${RAFTLAB_HOSTILE_PLUGINS})
  string(TOUPPER ${kind} _macro)
  if(kind STREQUAL "quiet")
    raftlab_test_plugin(hostile_${kind} SOURCES ${CMAKE_CURRENT_LIST_DIR}/hostile_plugin.cc)
  else()
    raftlab_test_plugin(hostile_${kind} SOURCES ${CMAKE_CURRENT_LIST_DIR}/hostile_plugin.cc
      DEFINES HOSTILE_${_macro})
  endif()
  target_link_libraries(test_plugin_hostile_${kind} PRIVATE Threads::Threads)
endforeach()
set(RAFTLAB_HOSTILE_PLUGINS ${RAFTLAB_HOSTILE_PLUGINS} CACHE INTERNAL "Kinds of hostile test plugins")
