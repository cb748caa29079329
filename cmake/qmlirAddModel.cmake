#===- qmlirAddModel.cmake - qmlir_add_model() -----------------------------===#
#
# Part of qmlir's CMake package (find_package(qmlir)).
#
#   qmlir_add_model(<target> <model.onnx>
#                   [NAME <c-name>]
#                   [INPUT_SHAPES <input>=<D1xD2x...> ...]
#                   [TARGET_ARCH x86_64|aarch64]
#                   [CPU <llvm-cpu>] [FEATURES <+a,-b,...>]
#                   [OPT_LEVEL 0|1|2|3])
#
# Compiles the model with qcompile when the project is built (again whenever
# the model or qcompile changes) into <name>.o, <name>.h and <name>.json in
# ${CMAKE_CURRENT_BINARY_DIR}/<target>/, and makes <target> a static library
# of that object. Linking <target> puts <name>.h on the include path and
# adds -lm. A relative model path is relative to the current source
# directory. NAME defaults to the model's file name made a C identifier,
# TARGET_ARCH to the project's target processor when cross-compiling (else
# the build machine's), CPU and FEATURES to qcompile's defaults (the build
# machine's CPU for its own architecture, generic for another), OPT_LEVEL
# to 3. The C interface is docs/abi.md.
#
#===------------------------------------------------------------------------===#

# C keywords qcompile refuses as names.
set(_QMLIR_C_KEYWORDS auto break case char const continue default do double
  else enum extern float for goto if inline int long register restrict return
  short signed sizeof static struct switch typedef union unsigned void
  volatile while bool true false _Bool _Complex _Imaginary)

function(qmlir_add_model target model)
  cmake_parse_arguments(PARSE_ARGV 2 ARG ""
    "NAME;TARGET_ARCH;CPU;FEATURES;OPT_LEVEL" "INPUT_SHAPES")
  set(fn "qmlir_add_model(${target})")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR
      "${fn}: unexpected arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(ARG_KEYWORDS_MISSING_VALUES)
    message(FATAL_ERROR "${fn}: ${ARG_KEYWORDS_MISSING_VALUES} needs a value")
  endif()
  if(NOT TARGET qmlir::qcompile)
    message(FATAL_ERROR "${fn}: there is no qmlir::qcompile target; use "
      "find_package(qmlir) rather than including qmlirAddModel.cmake")
  endif()

  get_filename_component(model "${model}" ABSOLUTE
    BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${model}" OR IS_DIRECTORY "${model}")
    message(FATAL_ERROR "${fn}: the model '${model}' does not exist")
  endif()

  if(DEFINED ARG_NAME)
    string(MAKE_C_IDENTIFIER "${ARG_NAME}" name)
    if(NOT name STREQUAL ARG_NAME OR name IN_LIST _QMLIR_C_KEYWORDS)
      message(FATAL_ERROR "${fn}: NAME '${ARG_NAME}' is not a C identifier")
    endif()
  else()
    get_filename_component(stem "${model}" NAME_WLE)
    string(MAKE_C_IDENTIFIER "${stem}" name)
    if(name IN_LIST _QMLIR_C_KEYWORDS)
      set(name "_${name}")
    endif()
  endif()

  set(arch "${ARG_TARGET_ARCH}")
  if(NOT arch AND CMAKE_CROSSCOMPILING)
    string(TOLOWER "${CMAKE_SYSTEM_PROCESSOR}" arch)
    if(arch STREQUAL "arm64")
      set(arch aarch64)
    elseif(arch STREQUAL "amd64")
      set(arch x86_64)
    endif()
  endif()
  if(arch AND NOT arch MATCHES "^(x86_64|aarch64)$")
    message(FATAL_ERROR "${fn}: TARGET_ARCH '${arch}' is not x86_64 or "
      "aarch64")
  endif()
  set(opt 3)
  if(DEFINED ARG_OPT_LEVEL)
    if(NOT ARG_OPT_LEVEL MATCHES "^[0-3]$")
      message(FATAL_ERROR "${fn}: OPT_LEVEL '${ARG_OPT_LEVEL}' is not 0, 1, 2 "
        "or 3")
    endif()
    set(opt ${ARG_OPT_LEVEL})
  endif()

  set(dir "${CMAKE_CURRENT_BINARY_DIR}/${target}")
  set(object "${dir}/${name}.o")
  set(args "${model}" -o "${object}" "--name=${name}" "-O${opt}")
  foreach(shape IN LISTS ARG_INPUT_SHAPES)
    if(NOT shape MATCHES "^.+=[0-9]+(x[0-9]+)*$")
      message(FATAL_ERROR "${fn}: INPUT_SHAPES '${shape}' is not "
        "NAME=D1xD2x..., e.g. x=1x3x48x192")
    endif()
    list(APPEND args "--input-shape=${shape}")
  endforeach()
  if(arch)
    list(APPEND args "--target=${arch}")
  endif()
  if(DEFINED ARG_CPU)
    list(APPEND args "--cpu=${ARG_CPU}")
  endif()
  if(DEFINED ARG_FEATURES)
    list(APPEND args "--features=${ARG_FEATURES}")
  endif()

  get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
  if("C" IN_LIST languages)
    set(linker_language C)
  elseif("CXX" IN_LIST languages)
    set(linker_language CXX)
  else()
    message(FATAL_ERROR "${fn}: the project must enable C or CXX (the "
      "model becomes a static library)")
  endif()

  file(MAKE_DIRECTORY "${dir}")
  add_custom_command(
    OUTPUT "${object}" "${dir}/${name}.h" "${dir}/${name}.json"
    COMMAND qmlir::qcompile ${args}
    DEPENDS "${model}" "$<TARGET_FILE:qmlir::qcompile>"
    COMMENT "qcompile ${model} -> ${object}"
    VERBATIM)
  add_library(${target} STATIC "${object}")
  set_target_properties(${target} PROPERTIES LINKER_LANGUAGE ${linker_language})
  target_include_directories(${target} INTERFACE "${dir}")
  target_link_libraries(${target} INTERFACE m)
endfunction()
