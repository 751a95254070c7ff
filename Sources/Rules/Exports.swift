// Provenance, InputError and LineText live in Basics, which modules that do not use the rules
// share; every user of the rules names them as before.
@_exported import Basics
