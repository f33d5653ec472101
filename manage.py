#!/usr/bin/env python
from hienmau.cli import main

if __name__ == "__main__":
    main()
