# Go plugins (issue 13), included by tests/languages/CMakeLists.txt.
# Label "languages".
#
# go (Debian's golang-go, Go 1.19; standard library only, never the
# network: GOPROXY=off, GOFLAGS=-buildvcs=false, the build cache in
# <build>/go/cache) builds with -buildmode=c-shared, into <build>/go/:
#   skeleton-go/                      the student skeleton  -> skeleton/libraft.so
#   skeleton-go + tests/languages/go_raft/ (its raft/raft.go in place of the
#                                     skeleton's): a complete Raft (parts 1-4)
#                                                           -> example/libraft.so
#   the same with go_mutants/<name>.patch applied           -> mutant_<name>/libraft.so
# (modules assembled by MakeGoModule.cmake under <build>/go/*/module), and
# the tests check that
#   languages.go.header_in_sync         skeleton-go/raftlab/raftlab.h is
#                                       include/raftlab/raftlab.h (the
#                                       skeleton carries a copy to build alone)
#   languages.go.glue_unit_tests        go vet and go test of the layer (labgob's
#                                       warnings, labrpc's dispatch, commands)
#   languages.go.skeleton_fails_part1   the skeleton loads and fails part 1
#                                       with "expected one leader, got none"
#   languages.go.example_parts_1_2      the Go Raft passes parts 1 and 2
#   languages.go.mutant_<name>          the mutant is caught (see below)
#   languages.go.grade_sh_go_submissions  grade.sh builds and grades a folder
#                                       laid out like skeleton-go, and fails a
#                                       broken one
# The full parts 1-4 runs of the Go Raft are a manual command:
#   build/default/bin/labtest --plugin build/default/go/example/libraft.so \
#     --part 1,2,3,4 --repeat 5
# Without go, one test says so and is skipped; scripts/setup.sh installs
# Debian's golang-go when no go is present.
find_program(RAFTLAB_GO go HINTS /usr/local/go/bin)
find_program(RAFTLAB_BASH bash)
if(NOT RAFTLAB_GO)
  message(STATUS "go not found: the Go plugin tests (label languages) are skipped; "
                 "bash scripts/setup.sh installs Debian's golang-go")
  if(RAFTLAB_BASH)
    add_test(NAME languages.go.go_missing
      COMMAND ${RAFTLAB_BASH} -c "echo 'skipped: go not found when CMake configured (run scripts/setup.sh, then reconfigure)'; exit 77")
    set_tests_properties(languages.go.go_missing PROPERTIES LABELS languages SKIP_RETURN_CODE 77)
  endif()
  return()
endif()

set(_go_skeleton ${PROJECT_SOURCE_DIR}/skeleton-go)
set(_go_example ${CMAKE_CURRENT_SOURCE_DIR}/go_raft)
set(_go_out ${CMAKE_BINARY_DIR}/go)
file(GLOB_RECURSE _go_layer_src CONFIGURE_DEPENDS ${_go_skeleton}/*.go ${_go_skeleton}/*.c ${_go_skeleton}/*.h
     ${_go_skeleton}/go.mod)
file(GLOB_RECURSE _go_example_src CONFIGURE_DEPENDS ${_go_example}/*.go)
# Offline and reproducible: no module proxy, no VCS stamping, caches in the
# build folder, no go.work from a parent folder.
set(_go_env ${CMAKE_COMMAND} -E env GOPROXY=off GOFLAGS=-buildvcs=false GOWORK=off GO111MODULE=on
    CGO_ENABLED=1 GOCACHE=${_go_out}/cache GOPATH=${_go_out}/gopath GOTELEMETRY=off)
set(_go_build ${_go_env} ${RAFTLAB_GO} build -p 2 -buildmode=c-shared)

# One go at a time (they share the cache and the 2-core budget): each
# target depends on the one before.
add_custom_command(OUTPUT ${_go_out}/skeleton/libraft.so
  COMMAND ${_go_build} -o ${_go_out}/skeleton/libraft.so .
  WORKING_DIRECTORY ${_go_skeleton}
  DEPENDS ${_go_layer_src}
  COMMENT "go: skeleton-go -> go/skeleton/libraft.so" VERBATIM)
add_custom_target(go_skeleton ALL DEPENDS ${_go_out}/skeleton/libraft.so)

# raftlab_go_plugin(<name> OVERLAY <dir> [PATCHES <p>...]): module in
# <build>/go/<name>/module, plugin <build>/go/<name>/libraft.so, target go_<name>.
set(_go_previous go_skeleton)
function(raftlab_go_plugin name)
  cmake_parse_arguments(G "" "OVERLAY" "PATCHES" ${ARGN})
  set(_dir ${_go_out}/${name})
  file(GLOB_RECURSE _overlay_src CONFIGURE_DEPENDS ${G_OVERLAY}/*)
  add_custom_command(OUTPUT ${_dir}/libraft.so
    COMMAND ${CMAKE_COMMAND} -DSKELETON=${_go_skeleton} -DOVERLAY=${G_OVERLAY} -DOUT=${_dir}/module
            -DPATCH=${RAFTLAB_PATCH} "-DPATCHES=${G_PATCHES}" -P ${CMAKE_CURRENT_SOURCE_DIR}/MakeGoModule.cmake
    COMMAND ${CMAKE_COMMAND} -E chdir ${_dir}/module ${_go_build} -o ${_dir}/libraft.so .
    DEPENDS ${_go_layer_src} ${_overlay_src} ${G_PATCHES} ${CMAKE_CURRENT_SOURCE_DIR}/MakeGoModule.cmake
    COMMENT "go: ${name} -> go/${name}/libraft.so" VERBATIM)
  add_custom_target(go_${name} ALL DEPENDS ${_dir}/libraft.so)
  add_dependencies(go_${name} ${_go_previous})
  set(_go_previous go_${name} PARENT_SCOPE)
endfunction()

find_program(RAFTLAB_PATCH patch)
raftlab_go_plugin(example OVERLAY ${_go_example})

# Mutants of the Go Raft: one patch each. Each must be caught by the test
# given here (a --filter), with the failure message given here, in at
# least one of 3 runs:
#   no_persist_voted_for  votedFor is not saved: a voter that crashes right
#                         after voting votes again in that term (part 3; the
#                         C++ and Rust mutants of the same name are caught
#                         the same way)
#   panic_in_handler      RequestVote panics: the layer recovers it and
#                         returns RAFTLAB_ERR_INTERNAL, which fails the test
set(_go_catch_no_persist_voted_for "^raftlab-restart-vote$" "election safety violated")
set(_go_catch_panic_in_handler "^3A-initial-election$" "RAFTLAB_ERR_INTERNAL")
set(_go_mutants)
if(RAFTLAB_PATCH)
  file(GLOB _go_mutant_patches CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/go_mutants/*.patch)
  foreach(_p ${_go_mutant_patches})
    get_filename_component(_m ${_p} NAME_WE)
    if(NOT DEFINED _go_catch_${_m})
      message(FATAL_ERROR "tests/languages: no catching test for Go mutant ${_m}: add _go_catch_${_m}")
    endif()
    raftlab_go_plugin(mutant_${_m} OVERLAY ${_go_example} PATCHES ${_p})
    list(APPEND _go_mutants ${_m})
  endforeach()
endif()

add_test(NAME languages.go.header_in_sync
  COMMAND ${CMAKE_COMMAND} -E compare_files ${PROJECT_SOURCE_DIR}/include/raftlab/raftlab.h
          ${_go_skeleton}/raftlab/raftlab.h)
string(REPLACE ";" " " _go_env_line "${_go_env}")
add_test(NAME languages.go.glue_unit_tests
  COMMAND ${RAFTLAB_BASH} -c "${_go_env_line} ${RAFTLAB_GO} vet ./... && ${_go_env_line} ${RAFTLAB_GO} test -count=1 ./..."
  WORKING_DIRECTORY ${_go_skeleton})
set_tests_properties(languages.go.header_in_sync languages.go.glue_unit_tests PROPERTIES LABELS languages
  TIMEOUT 600)

if(NOT TARGET labtest OR NOT RAFTLAB_BASH)
  return()
endif()
set(_go_run ${RAFTLAB_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/plugin_labtest.sh Go $<TARGET_FILE:labtest>)
set(_go_cfg -f ${PROJECT_SOURCE_DIR}/config/raft_lab_test.yml --seed 1)
set(_go_test_out ${CMAKE_CURRENT_BINARY_DIR}/go)

add_test(NAME languages.go.skeleton_fails_part1
  COMMAND ${_go_run} ${_go_out}/skeleton/libraft.so ${_go_test_out}/skeleton fail "expected one leader, got none"
          -- --part 1 ${_go_cfg})
add_test(NAME languages.go.example_parts_1_2
  COMMAND ${_go_run} ${_go_out}/example/libraft.so ${_go_test_out}/example pass "" -- --part 1,2 ${_go_cfg})
set_tests_properties(languages.go.skeleton_fails_part1 languages.go.example_parts_1_2 PROPERTIES
  LABELS languages TIMEOUT 900)
# Timing-sensitive (RPC counts, latency): alone on the machine.
set_tests_properties(languages.go.example_parts_1_2 PROPERTIES RUN_SERIAL TRUE)

foreach(_m ${_go_mutants})
  list(GET _go_catch_${_m} 0 _filter)
  list(GET _go_catch_${_m} 1 _message)
  add_test(NAME languages.go.mutant_${_m}
    COMMAND ${_go_run} ${_go_out}/mutant_${_m}/libraft.so ${_go_test_out}/mutant_${_m}
            fail "${_message}" -- --filter "${_filter}" --repeat 3 ${_go_cfg})
  set_tests_properties(languages.go.mutant_${_m} PROPERTIES LABELS languages TIMEOUT 600)
endforeach()

# grade.sh builds a submission laid out like skeleton-go/ (label "slow" too:
# it grades part 1 through grade.sh).
if(TARGET raftlab-grade-collect)
  find_program(RAFTLAB_PYTHON3 python3)
  if(RAFTLAB_PYTHON3)
    add_test(NAME languages.go.grade_sh_go_submissions
      COMMAND ${RAFTLAB_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/go_grade_test.sh $<TARGET_FILE:labtest>
              $<TARGET_FILE:raftlab-grade-collect> ${PROJECT_SOURCE_DIR})
    set_tests_properties(languages.go.grade_sh_go_submissions PROPERTIES LABELS "languages;slow" TIMEOUT 900)
  endif()
endif()
