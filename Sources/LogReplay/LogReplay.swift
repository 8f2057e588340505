// FIX log replay: filled in by the files of this module.
