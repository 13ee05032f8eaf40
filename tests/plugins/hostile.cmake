# Hostile plugins for the runner tests (tests/harness/run/runner_test.cc): each
# build of hostile_plugin.cc breaks the test process in one way. Included by
# tests/plugins/CMakeLists.txt, whose raftlab_test_plugin() it uses.
set(RAFTLAB_HOSTILE_PLUGINS quiet crash abort throw throw_thread hang_make hang_start busy log_crash flood
  crash_thread oom threads_raw fork open_write socket exec system
  threads_host crash_handler apply_zero apply_gap apply_huge host_after_kill kill_hangs exit raw_zombie)
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

# hostile_heap_overflow: built with AddressSanitizer and UBSan (as a
# student's -DRAFTLAB_SANITIZE=address build is), for labtest --asan's tests.
# Only where the toolchain can, and not in a sanitizer build of the tree
# (whose flags would clash).
include(CheckCXXSourceCompiles)
set(CMAKE_REQUIRED_FLAGS -fsanitize=address,undefined)
set(CMAKE_REQUIRED_LINK_OPTIONS -fsanitize=address,undefined)
check_cxx_source_compiles("int main() { return 0; }" RAFTLAB_TOOLCHAIN_HAS_ASAN)
unset(CMAKE_REQUIRED_FLAGS)
unset(CMAKE_REQUIRED_LINK_OPTIONS)
if(RAFTLAB_TOOLCHAIN_HAS_ASAN AND NOT RAFTLAB_SANITIZE)
  raftlab_test_plugin(hostile_heap_overflow SOURCES ${CMAKE_CURRENT_LIST_DIR}/hostile_plugin.cc
    DEFINES HOSTILE_HEAP_OVERFLOW)
  target_compile_options(test_plugin_hostile_heap_overflow PRIVATE -fsanitize=address,undefined
    -fno-omit-frame-pointer -g)
  target_link_options(test_plugin_hostile_heap_overflow PRIVATE -fsanitize=address,undefined)
  target_link_libraries(test_plugin_hostile_heap_overflow PRIVATE Threads::Threads)
endif()
