# podium_defaults(target): the project's warnings and sanitizers, applied per target.
# podium_test(name DEPS ... [LABELS ...]): one GoogleTest binary from tests/**/name.cc.

if(PODIUM_SANITIZERS)
  string(REPLACE ";" "," _podium_sanitize "${PODIUM_SANITIZERS}")
  set(PODIUM_SANITIZE_FLAGS -fsanitize=${_podium_sanitize} -fno-omit-frame-pointer)
  if("undefined" IN_LIST PODIUM_SANITIZERS)
    # Undefined behaviour fails the test (or the fuzz run) instead of printing and going on.
    list(APPEND PODIUM_SANITIZE_FLAGS -fno-sanitize-recover=undefined)
  endif()
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
  set(_properties ENVIRONMENT "PODIUM_DATA_DIR=${PROJECT_SOURCE_DIR}/data")
  if(ARG_LABELS)
    list(APPEND _properties LABELS "${ARG_LABELS}")
  endif()
  gtest_discover_tests(${name} PROPERTIES ${_properties} DISCOVERY_TIMEOUT 60)
endfunction()
