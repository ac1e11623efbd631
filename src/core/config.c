/* Placeholder replaced by the configuration parser. */
#include "config.h"
#include "facteur/core_config.h"
