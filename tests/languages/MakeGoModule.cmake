# MakeGoModule.cmake: assembles a Go plugin module in the build folder
# (tests/languages/CMakeLists.txt). Run as
#   cmake -DSKELETON=<skeleton-go> -DOVERLAY=<dir> -DOUT=<module dir>
#         [-DPATCH=<patch program> -DPATCHES=<p1;p2...>] -P MakeGoModule.cmake
# Copies the skeleton's module (the layer: main.go, raftlab/, labrpc/,
# labgob/, raft/persister.go...) to OUT, copies every file of OVERLAY over
# it at the same relative path (the example's raft/raft.go replaces the
# skeleton's), and applies the patches in order (paths relative to the
# module root, -p1). A patch that does not apply stops the build, naming it.
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
file(GLOB _top RELATIVE ${SKELETON} ${SKELETON}/*)
foreach(f ${_top})
  if(NOT f STREQUAL "README.md")
    file(COPY ${SKELETON}/${f} DESTINATION ${OUT})
  endif()
endforeach()
file(GLOB_RECURSE _overlay RELATIVE ${OVERLAY} ${OVERLAY}/*)
if(NOT _overlay)
  message(FATAL_ERROR "${OVERLAY} holds no files to put over the skeleton")
endif()
foreach(f ${_overlay})
  get_filename_component(_dir ${OUT}/${f} DIRECTORY)
  # Removed first: file(COPY) skips a file whose copy has the same time
  # stamp, and a checkout can give both raft.go files the same one.
  file(REMOVE ${OUT}/${f})
  file(COPY ${OVERLAY}/${f} DESTINATION ${_dir})
endforeach()
foreach(p ${PATCHES})
  execute_process(COMMAND ${PATCH} -p1 --batch --forward --no-backup-if-mismatch -r - -d ${OUT} -i ${p}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${p} does not apply to ${OVERLAY} (patch exit ${rc}):\n${out}\n"
                        "Remake it: copy the module to a/ and b/, edit b/, `diff -u a/raft/raft.go b/raft/raft.go`.")
  endif()
endforeach()
