# Included by llama.cpp's project() (CMAKE_PROJECT_llama.cpp_INCLUDE, set in .ci/run): the tests use only
# libllama and ggml through llama-cpp-python's server, so llama.cpp's "common" library (chat templates,
# argument parsing, downloads; a third of the build), which llama-cpp-python forces on, is left out.
set(LLAMA_BUILD_COMMON OFF CACHE BOOL "llama.cpp common library: not used by llama-cpp-python's server" FORCE)
