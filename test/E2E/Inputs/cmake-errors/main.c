/* A program for the build-error case of CMakeLists.txt: never built, the
 * model it links fails to compile first. */
#include "m.h"

int main(void) { return m_run(0, 0, 0); }
