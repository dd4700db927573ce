"""Where triples live.

The Store protocol, the graph-folder format, the embedded store, remote endpoints, push.
"""
