"""A sample app for dockyard init's tests: standard library only."""
