"""dockyard.dockerfile"""
