// Only the declaration of LLVMFuzzerRunDriver (include/CLibFuzzer.h); libFuzzer defines it.
#include "CLibFuzzer.h"
