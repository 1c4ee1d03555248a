"""The data package: loading and validating data/, the article's figures, references, units."""
