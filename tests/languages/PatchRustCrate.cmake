# PatchRustCrate.cmake: makes a mutant of a Rust plugin crate in the build
# folder (tests/languages/CMakeLists.txt). Run as
#   cmake -DSRC=<crate dir> -DOUT=<copy dir> -DGLUE=<skeleton-rust/raftlab>
#         -DPATCH=<patch program> -DPATCHES=<p1;p2...> -P PatchRustCrate.cmake
# Copies the crate's Cargo.toml, Cargo.lock and src/ to OUT, points the
# relative path of the glue dependency at GLUE (the copy lives elsewhere),
# and applies the patches in order. A patch that does not apply stops the
# build, naming it.
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
file(COPY ${SRC}/Cargo.toml ${SRC}/Cargo.lock ${SRC}/src DESTINATION ${OUT})
file(READ ${OUT}/Cargo.toml toml)
string(REGEX REPLACE "raftlab = \\{ path = \"[^\"]*\" \\}" "raftlab = { path = \"${GLUE}\" }" patched "${toml}")
if(patched STREQUAL toml)
  message(FATAL_ERROR "${SRC}/Cargo.toml has no `raftlab = { path = \"...\" }` dependency to repoint")
endif()
file(WRITE ${OUT}/Cargo.toml "${patched}")
foreach(p ${PATCHES})
  execute_process(COMMAND ${PATCH} -p1 --batch --forward --no-backup-if-mismatch -r - -d ${OUT} -i ${p}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${p} does not apply to ${SRC} (patch exit ${rc}):\n${out}\n"
                        "Remake it: copy the crate to a/ and b/, edit b/, `diff -u a/src/F b/src/F`.")
  endif()
endforeach()
