#include <z3.h>
// mallopt: how glibc serves the large blocks Z3 takes (Z3Context.heapForLargeBlocks).
#include <malloc.h>
