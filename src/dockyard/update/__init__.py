"""dockyard.update"""
