# The student handout: a tarball of what students need to build labtest and
# their plugin, WITHOUT the reference Raft.
#
# Included from the top CMakeLists.txt, it defines the target `handout`:
#   cmake --build build/default --target handout  ->  build/default/raftlab-handout.tar.gz
# Run as a script (what the target does):
#   cmake -DRAFTLAB_SOURCE=<repo> -DRAFTLAB_HANDOUT=<out.tar.gz> -P scripts/handout.cmake
#
# In the tarball (one top folder, raftlab-handout/): the top CMake files,
# README.md, runtime/, labrpc/, harness/ (labtest's sources), include/ (the
# ABI headers), config/ (the catalogue and baseline), skeleton/,
# skeleton-rust/, skeleton-go/, docs/ and scripts/. Left out, on purpose:
#   reference/  the reference Raft: the answer to the lab. Without it the top
#               CMakeLists skips the folder and labtest embeds no reference
#               (harness/plugin/EmbedPlugin.cmake makes a stub), so `labtest` asks
#               for --plugin.
#   tests/      raftlab's own unit tests; several test the reference or load it.
#               Students test their plugin with labtest.
#   bench/      benchmarks of raftlab's internals.
#   grade.sh    for TAs: it calibrates against the reference, which a handout
#               labtest does not have.
# tests/handout/ checks that the tarball builds on its own and holds no
# reference code.

set(_raftlab_handout_items
  CMakeLists.txt CMakePresets.json README.md .gitignore
  runtime labrpc harness include config skeleton skeleton-rust skeleton-go docs scripts)

if(CMAKE_SCRIPT_MODE_FILE)
  if(NOT RAFTLAB_SOURCE OR NOT RAFTLAB_HANDOUT)
    message(FATAL_ERROR "usage: cmake -DRAFTLAB_SOURCE=<repo> -DRAFTLAB_HANDOUT=<out.tar.gz> -P handout.cmake")
  endif()
  get_filename_component(_out_dir ${RAFTLAB_HANDOUT} DIRECTORY)
  set(_stage ${_out_dir}/raftlab-handout-stage)
  file(REMOVE_RECURSE ${_stage})
  file(MAKE_DIRECTORY ${_stage}/raftlab-handout)
  foreach(item ${_raftlab_handout_items})
    if(EXISTS ${RAFTLAB_SOURCE}/${item})
      # Build folders and editor droppings inside a folder stay out.
      file(COPY ${RAFTLAB_SOURCE}/${item} DESTINATION ${_stage}/raftlab-handout
        PATTERN "build" EXCLUDE PATTERN "build-*" EXCLUDE PATTERN "labtest-out" EXCLUDE
        PATTERN "target" EXCLUDE
        PATTERN "libraft.so" EXCLUDE PATTERN "libraft.h" EXCLUDE
        PATTERN "*~" EXCLUDE PATTERN ".*.swp" EXCLUDE)
    endif()
  endforeach()
  file(REMOVE ${RAFTLAB_HANDOUT})
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E tar czf ${RAFTLAB_HANDOUT} raftlab-handout
    WORKING_DIRECTORY ${_stage}
    RESULT_VARIABLE _rc)
  file(REMOVE_RECURSE ${_stage})
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "handout: tar failed (${_rc})")
  endif()
  message(STATUS "handout: wrote ${RAFTLAB_HANDOUT}")
  return()
endif()

set(RAFTLAB_HANDOUT_TARBALL ${CMAKE_BINARY_DIR}/raftlab-handout.tar.gz CACHE INTERNAL "The student handout")
add_custom_target(handout
  COMMAND ${CMAKE_COMMAND} -DRAFTLAB_SOURCE=${PROJECT_SOURCE_DIR} -DRAFTLAB_HANDOUT=${RAFTLAB_HANDOUT_TARBALL}
          -P ${CMAKE_CURRENT_LIST_FILE}
  BYPRODUCTS ${RAFTLAB_HANDOUT_TARBALL}
  COMMENT "Making the student handout ${RAFTLAB_HANDOUT_TARBALL} (no reference)"
  VERBATIM)
