"""Reading plan documents and their appendix tables: plain data in, plain data and findings out."""
