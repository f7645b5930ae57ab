//! The test bed (being written).
