//! The photo pipeline in process: orientation, metadata stripped, sizes, formats and bad photos.
