# Plugins that export shared state on purpose, for the lint and loader tests
# (see lint_plugin.cc). Built with DEFAULT visibility, unlike every other test
# plugin: hidden visibility is exactly what would make the findings go away.
# Included by tests/plugins/CMakeLists.txt, whose raftlab_test_plugin() it uses.
foreach(kind unique writable)
  string(TOUPPER ${kind} _macro)
  raftlab_test_plugin(lint_${kind} SOURCES ${CMAKE_CURRENT_LIST_DIR}/lint_plugin.cc DEFINES LINT_${_macro})
  set_target_properties(test_plugin_lint_${kind} PROPERTIES
    C_VISIBILITY_PRESET default CXX_VISIBILITY_PRESET default VISIBILITY_INLINES_HIDDEN OFF)
  # g++ emits STB_GNU_UNIQUE by default; say so explicitly in case a
  # toolchain default changes.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(test_plugin_lint_${kind} PRIVATE -fgnu-unique)
  endif()
endforeach()
add_custom_target(raftlab_lint_plugins DEPENDS test_plugin_lint_unique test_plugin_lint_writable)
