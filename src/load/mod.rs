//! Stage 0: gather the files of a unit (roots + imports, each once) and
//! parse them.
