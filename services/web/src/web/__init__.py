"""The web app: the pages people use, rendered on the server, in English and Spanish."""
