# ApplyPatches.cmake: the script behind raftlab_patch_reference (see
# CMakeLists.txt beside it). Run as
#   cmake -DSRC=<reference dir> -DOUT=<copy root> -DPATCH=<patch program>
#         -DPATCHES=<p1;p2...> -DFILES=<f1;f2...> -P ApplyPatches.cmake
# Copies every reference source to a scratch folder, applies the patches in
# order, and writes the files named in FILES to OUT/reference/. A patch that
# does not apply stops the build, naming the patch and what patch said.
set(stage ${OUT}/stage)
file(REMOVE_RECURSE ${stage})
file(MAKE_DIRECTORY ${stage}/reference ${OUT}/reference)
file(GLOB ref_files ${SRC}/*.cc ${SRC}/*.h)
file(COPY ${ref_files} DESTINATION ${stage}/reference)
foreach(p ${PATCHES})
  execute_process(COMMAND ${PATCH} -p1 --batch --forward --no-backup-if-mismatch -r - -d ${stage} -i ${p}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${p} does not apply to reference/ (patch exit ${rc}):\n${out}\n"
                        "Remake it against the current sources: copy reference/ to a/ and b/, "
                        "edit b/, then `diff -ru a b` (see tests/mutants/MUTANTS.md).")
  endif()
endforeach()
foreach(f ${FILES})
  file(COPY_FILE ${stage}/reference/${f} ${OUT}/reference/${f})
endforeach()
file(REMOVE_RECURSE ${stage})
