# Tests of the runner side of harness/ (config, scenario registry, CLI, child
# processes, stack dumps, results, student logs, reports, the test runner and
# labtest end to end). Included by tests/harness/CMakeLists.txt.

# Pure unit tests: one executable per source file.
foreach(unit config scenario cli result student_log report stack_dump scheduler progress terminal)
  add_executable(${unit}_test ${CMAKE_CURRENT_LIST_DIR}/${unit}_test.cc)
  target_link_libraries(${unit}_test PRIVATE raftlab_runner GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${unit}_test DISCOVERY_MODE PRE_TEST)
endforeach()
# config_test also checks the shipped catalogue's `checks` tags.
target_compile_definitions(config_test PRIVATE RAFTLAB_CATALOGUE="${PROJECT_SOURCE_DIR}/config/raft_lab_test.yml")

add_executable(child_process_test ${CMAKE_CURRENT_LIST_DIR}/child_process_test.cc)
target_link_libraries(child_process_test PRIVATE raftlab_runner GTest::gmock GTest::gtest_main)
gtest_discover_tests(child_process_test DISCOVERY_MODE PRE_TEST)

# labtest_testing: labtest with test-only scenarios, run by the runner tests.
if(TARGET test_plugin_hostile_quiet)
  add_library(raftlab_test_scenarios OBJECT ${CMAKE_CURRENT_LIST_DIR}/test_scenarios.cc)
  target_link_libraries(raftlab_test_scenarios PUBLIC raftlab_scenario_api raftlab_harness_core)
  add_executable(labtest_testing ${CMAKE_CURRENT_LIST_DIR}/labtest_testing_main.cc)
  target_link_libraries(labtest_testing PRIVATE raftlab_labtest raftlab_test_scenarios)
  target_compile_definitions(labtest_testing PRIVATE
    RAFTLAB_TEST_DEFAULT_PLUGIN="$<TARGET_FILE:test_plugin_hostile_quiet>")

  set(_hostile_defs)
  set(_hostile_targets)
  foreach(kind ${RAFTLAB_HOSTILE_PLUGINS})
    string(TOUPPER ${kind} _k)
    list(APPEND _hostile_defs RAFTLAB_HOSTILE_${_k}="$<TARGET_FILE:test_plugin_hostile_${kind}>")
    list(APPEND _hostile_targets test_plugin_hostile_${kind})
  endforeach()

  foreach(unit runner labtest)
    add_executable(${unit}_test ${CMAKE_CURRENT_LIST_DIR}/${unit}_test.cc)
    target_link_libraries(${unit}_test PRIVATE raftlab_labtest raftlab_test_scenarios GTest::gmock GTest::gtest_main)
    target_compile_definitions(${unit}_test PRIVATE ${_hostile_defs}
      RAFTLAB_LABTEST_TESTING="$<TARGET_FILE:labtest_testing>"
      RAFTLAB_RUNNER_YAML="${CMAKE_CURRENT_LIST_DIR}/data/runner_tests.yml"
      RAFTLAB_PARALLEL_YAML="${CMAKE_CURRENT_LIST_DIR}/data/parallel_tests.yml"
      RAFTLAB_BROKEN_PLUGIN="$<TARGET_FILE:test_plugin_abi_major_mismatch>")
    add_dependencies(${unit}_test labtest_testing ${_hostile_targets} test_plugin_abi_major_mismatch)
    gtest_discover_tests(${unit}_test DISCOVERY_MODE PRE_TEST PROPERTIES TIMEOUT 120)
  endforeach()
endif()
