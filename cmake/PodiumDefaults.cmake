# podium_defaults(target): the project's warnings and sanitizers, applied per target.
# podium_test(name DEPS ... [LABELS ...]): one GoogleTest binary from tests/**/name.cc;
# its tests get the labels, and target tests-<label> builds every binary with that label.

if(PODIUM_SANITIZERS)
  string(REPLACE ";" "," _podium_sanitize "${PODIUM_SANITIZERS}")
  set(PODIUM_SANITIZE_FLAGS -fsanitize=${_podium_sanitize} -fno-omit-frame-pointer)
  if("undefined" IN_LIST PODIUM_SANITIZERS)
    # Undefined behaviour fails the test (or the fuzz run) instead of printing and going on.
    list(APPEND PODIUM_SANITIZE_FLAGS -fno-sanitize-recover=undefined)
  endif()
  if("thread" IN_LIST PODIUM_SANITIZERS)
    # Asio's std_fenced_block uses atomic_thread_fence, which TSan does not
    # model, and g++ says so for every handler (hundreds of warnings). Asio
    # hands work between threads through its scheduler's and strands' mutexes,
    # which TSan does see.
    list(APPEND PODIUM_SANITIZE_FLAGS $<$<CXX_COMPILER_ID:GNU>:-Wno-tsan>)
  endif()
endif()

# ThreadSanitizer sees only instrumented code, and our threads hand each other
# generated protobuf messages (podium::proto, which takes no podium_defaults()
# because of its warnings): so with `thread`, every compiled target that did
# not call podium_defaults() still gets the sanitizer flags, once the whole
# tree is configured. (ASan/UBSan builds are left as they were.)
function(_podium_sanitize_the_rest directory)
  get_property(_targets DIRECTORY ${directory} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(_target IN LISTS _targets)
    get_target_property(_type ${_target} TYPE)
    get_target_property(_options ${_target} COMPILE_OPTIONS)
    if(_type MATCHES "^(STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY|EXECUTABLE)$"
       AND NOT "-fsanitize=thread" IN_LIST _options)
      target_compile_options(${_target} PRIVATE ${PODIUM_SANITIZE_FLAGS})
      target_link_options(${_target} PRIVATE ${PODIUM_SANITIZE_FLAGS})
    endif()
  endforeach()
  get_property(_subdirectories DIRECTORY ${directory} PROPERTY SUBDIRECTORIES)
  foreach(_subdirectory IN LISTS _subdirectories)
    _podium_sanitize_the_rest(${_subdirectory})
  endforeach()
endfunction()
if("thread" IN_LIST PODIUM_SANITIZERS)
  cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL _podium_sanitize_the_rest ${CMAKE_SOURCE_DIR})
endif()

function(podium_defaults target)
  get_target_property(_type ${target} TYPE)
  if(_type STREQUAL "INTERFACE_LIBRARY")
    return()
  endif()
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter -Wno-missing-field-initializers
    # g++ 12 reports false -Wrestrict positives inside libstdc++ string concatenation.
    $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
  if(PODIUM_SANITIZE_FLAGS)
    target_compile_options(${target} PRIVATE ${PODIUM_SANITIZE_FLAGS})
    target_link_options(${target} PRIVATE ${PODIUM_SANITIZE_FLAGS})
  endif()
endfunction()

function(podium_test name)
  cmake_parse_arguments(ARG "" "" "DEPS;LABELS;SOURCES" ${ARGN})
  if(NOT ARG_SOURCES)
    set(ARG_SOURCES ${name}.cc)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} podium::testing GTest::gmock GTest::gtest_main)
  podium_defaults(${name})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  gtest_discover_tests(${name} PROPERTIES ENVIRONMENT "PODIUM_DATA_DIR=${PROJECT_SOURCE_DIR}/data"
                       DISCOVERY_TIMEOUT 60)
  if(ARG_LABELS)
    # Not through gtest_discover_tests(PROPERTIES): its list expansions split a
    # list value, so LABELS "http;tsan" arrived as LABELS http (and a stray
    # property "tsan"). ctest reads this file after the discovered tests,
    # whose names are then in ${name}_TESTS.
    set(_labels_file ${CMAKE_CURRENT_BINARY_DIR}/${name}_labels.cmake)
    file(WRITE ${_labels_file} "if(DEFINED ${name}_TESTS)\n"
                               "  set_tests_properties(\${${name}_TESTS} PROPERTIES LABELS \"${ARG_LABELS}\")\n"
                               "endif()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${_labels_file})
    # And a build target per label, tests-<label>, that builds just those binaries.
    foreach(_label IN LISTS ARG_LABELS)
      if(NOT TARGET tests-${_label})
        add_custom_target(tests-${_label})
      endif()
      add_dependencies(tests-${_label} ${name})
    endforeach()
  endif()
endfunction()
