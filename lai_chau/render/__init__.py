"""The report matrix executed into HTML: parameters, warm kernels, pages, stored outputs."""
