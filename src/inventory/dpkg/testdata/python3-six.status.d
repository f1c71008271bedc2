Package: python3-six
Priority: optional
Section: python
Installed-Size: 63
Maintainer: Debian Python Team <team+python@tracker.debian.org>
Architecture: all
Multi-Arch: foreign
Source: six
Version: 1.16.0-4
Depends: python3:any
Description: Python 2 and 3 compatibility library
 Six is a Python 2 and 3 compatibility library. It provides utility
 functions for smoothing over the differences between the Python versions
 with the goal of writing Python code that is compatible on both Python
 versions.
Homepage: https://github.com/benjaminp/six
