//! The native policy fetch (being written).
