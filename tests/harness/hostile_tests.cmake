# Hostile-plugin tests (hostile_test.cc): each plugin of
# tests/plugins/hostile.cmake run through the real runner and test child,
# sandbox included. Included by tests/harness/CMakeLists.txt after
# runner_tests.cmake, whose labtest_testing and scenario library it extends.
if(TARGET raftlab_test_scenarios AND TARGET raftlab_fixture)
  target_sources(raftlab_test_scenarios PRIVATE ${CMAKE_CURRENT_LIST_DIR}/hostile_scenarios.cc)
  target_link_libraries(raftlab_test_scenarios PUBLIC raftlab_fixture)

  set(_hostile_defs)
  set(_hostile_targets)
  foreach(kind ${RAFTLAB_HOSTILE_PLUGINS})
    string(TOUPPER ${kind} _k)
    list(APPEND _hostile_defs RAFTLAB_HOSTILE_${_k}="$<TARGET_FILE:test_plugin_hostile_${kind}>")
    list(APPEND _hostile_targets test_plugin_hostile_${kind})
  endforeach()
  add_executable(hostile_test ${CMAKE_CURRENT_LIST_DIR}/hostile_test.cc)
  target_link_libraries(hostile_test PRIVATE raftlab_labtest raftlab_test_scenarios GTest::gmock GTest::gtest_main)
  target_compile_definitions(hostile_test PRIVATE ${_hostile_defs}
    RAFTLAB_LABTEST_TESTING="$<TARGET_FILE:labtest_testing>"
    RAFTLAB_HOSTILE_YAML="${CMAKE_CURRENT_LIST_DIR}/data/hostile_tests.yml")
  add_dependencies(hostile_test labtest_testing ${_hostile_targets})
  gtest_discover_tests(hostile_test DISCOVERY_MODE PRE_TEST PROPERTIES TIMEOUT 120)
endif()
