"""The map of shared working elements: analysis (networkx), exports (GraphML, GEXF, JSON, DOT, Mermaid) and SVG."""
