// Plans name where a bad value is (Provenance) and throw InputError: their readers see Basics.
@_exported import Basics
