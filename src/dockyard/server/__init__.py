"""dockyard.server"""
