/// The tests reach libprimesieve's oracle through TestSupport.
@_exported import PrimesieveReference
