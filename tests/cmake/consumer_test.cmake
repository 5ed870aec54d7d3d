# cmake -P script behind the install.cmake_consumer test (tests/cmake/CMakeLists.txt).
# Every stage's output is shown when it fails, and its duration when it passes.
# Inputs (-D):
#   BUILD_DIR            the packsim build tree to install
#   CONSUMER_SOURCE_DIR  examples/cmake_consumer
#   WORK_DIR             scratch directory, emptied first (prefix/, build/)
#   CXX_COMPILER, BUILD_TYPE, MAKE_PROGRAM (ninja), SANITIZER_FLAGS
#   PYTHON, PYTHON_INSTALL_DIR  the Python package check (skipped when PYTHON is empty)
cmake_minimum_required(VERSION 3.25)

foreach(required BUILD_DIR CONSUMER_SOURCE_DIR WORK_DIR CXX_COMPILER MAKE_PROGRAM)
  if(NOT DEFINED ${required} OR "${${required}}" STREQUAL "")
    message(FATAL_ERROR "consumer_test.cmake needs -D${required}=...")
  endif()
endforeach()

set(prefix "${WORK_DIR}/prefix")
set(consumer_build_dir "${WORK_DIR}/build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# Runs a stage; fails the test with its output unless it exits 0. The output
# lands in stage_output for further checks. Arguments pass through ARGN, a
# list: none may contain a semicolon.
function(run_stage name)
  string(TIMESTAMP started "%s")
  execute_process(COMMAND ${ARGN}
                  WORKING_DIRECTORY "${WORK_DIR}"
                  RESULT_VARIABLE exit_code
                  OUTPUT_VARIABLE output
                  ERROR_VARIABLE output)
  string(TIMESTAMP finished "%s")
  math(EXPR seconds "${finished} - ${started}")
  if(NOT exit_code STREQUAL "0")
    message(FATAL_ERROR "stage '${name}' failed (exit ${exit_code}):\n${ARGN}\n${output}")
  endif()
  message(STATUS "${name}: ok (${seconds} s)")
  set(stage_output "${output}" PARENT_SCOPE)
endfunction()

run_stage("install" "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}")

run_stage("configure the consumer"
          "${CMAKE_COMMAND}" -S "${CONSUMER_SOURCE_DIR}" -B "${consumer_build_dir}" -G Ninja
          "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}"
          "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
          "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}"
          "-DCMAKE_CXX_FLAGS=${SANITIZER_FLAGS}"
          "-DCMAKE_EXE_LINKER_FLAGS=${SANITIZER_FLAGS}"
          "-DCMAKE_PREFIX_PATH=${prefix}"
          # Only the fresh prefix may provide packsim, not an older one under /usr/local.
          "-Dpacksim_DIR=${prefix}/lib/cmake/packsim"
          -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON)
run_stage("build the consumer" "${CMAKE_COMMAND}" --build "${consumer_build_dir}")

run_stage("run the consumer on an installed scenario"
          "${consumer_build_dir}/run_scenario" "${prefix}/share/packsim/scenarios/deep_discharge.yaml")
# Its last line is "<scenario name>: passed".
if(NOT stage_output MATCHES ": passed\n$")
  message(FATAL_ERROR "the consumer did not report a pass:\n${stage_output}")
endif()
message(STATUS "consumer output:\n${stage_output}")

if(PYTHON)
  # The installed package, imported from the prefix, runs a scenario of its own
  # data/ directory (not the source tree's).
  set(check_installed_package [=[
import os, sys
import packsim
prefix = os.path.realpath(sys.argv[1]) + os.sep
assert os.path.realpath(packsim.__file__).startswith(prefix), "imported from " + packsim.__file__
scenario = packsim.scenario_path("deep_discharge")
assert os.path.realpath(scenario).startswith(prefix), "scenario from " + scenario
result = packsim.run(scenario)
assert result.passed, [(e.name, e.passed, e.detail) for e in result.expectations]
print("python: deep_discharge passed from", os.path.dirname(packsim.__file__))
]=])
  run_stage("python: run from the installed package"
            "${CMAKE_COMMAND}" -E env "PYTHONPATH=${prefix}/${PYTHON_INSTALL_DIR}" PYTHONDONTWRITEBYTECODE=1
            "${PYTHON}" -c "${check_installed_package}" "${prefix}")
  message(STATUS "${stage_output}")

  # With the default prefix (/usr/local), `cmake --install` puts the package
  # where this interpreter looks without any PYTHONPATH.
  set(default_location "/usr/local/${PYTHON_INSTALL_DIR}")
  run_stage("python: sys.path" "${CMAKE_COMMAND}" -E env --unset=PYTHONPATH
            "${PYTHON}" -c "import sys\nprint('\\n'.join(sys.path))")
  string(REPLACE "\n" ";" python_path "${stage_output}")
  if(NOT default_location IN_LIST python_path)
    message(FATAL_ERROR "${default_location} is not in ${PYTHON}'s sys.path:\n${stage_output}")
  endif()
endif()
