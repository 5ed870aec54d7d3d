# Warnings are errors for project code (never for third-party headers, which come in as SYSTEM).
function(packsim_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wshadow
                                           $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor>)
  # GCC 12 reports -Wrestrict inside libstdc++'s own std::string operator+ at -O3
  # (GCC bug 105329): a false positive in the standard library, not in our code.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Wno-restrict>)
  endif()
  # The sanitizers' instrumentation makes GCC report -Wmaybe-uninitialized inside
  # libstdc++ (std::function within std::regex); the Release build keeps this
  # warning as an error for our code.
  if(PACKSIM_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
endfunction()

# Embedded-style C (firmware, bus codecs): C11, and every implicit narrowing is
# an error, as it would be reviewed on an MCU.
function(packsim_embedded_c target)
  packsim_warnings(${target})
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:C>:-Wconversion -Wsign-conversion -Wstrict-prototypes
                                                                   -Wmissing-prototypes -pedantic>)
  set_target_properties(${target} PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
endfunction()
