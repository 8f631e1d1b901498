#include "run.hpp"

int main(int argc, char** argv) { return asc::cli::run(argc, argv); }
