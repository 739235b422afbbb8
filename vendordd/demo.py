"""The demo book, loaded by `vendordd demo`."""
