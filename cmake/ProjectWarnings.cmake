# Warnings are errors for project code (never for third-party headers, which come in as SYSTEM).
function(packsim_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor)
  # GCC 12 reports -Wrestrict inside libstdc++'s own std::string operator+ at -O3
  # (GCC bug 105329): a false positive in the standard library, not in our code.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Wno-restrict>)
  endif()
endfunction()
