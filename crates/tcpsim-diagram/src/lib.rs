//! Sequence diagrams from tcpsim traces (in progress).
