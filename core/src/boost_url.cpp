// Boost.URL 1.81 is header-only when its sources are compiled in exactly one translation unit.
// This is that unit (it is also the slowest one to compile, so nothing else lives here).
#include <boost/url/src.hpp>
