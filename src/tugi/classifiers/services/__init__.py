"""Every write of the classifiers area, one module per topic: versions (draft, publish — shared),
classifiers (classifiers, items, consuming systems, import/export), changes (change requests,
correspondences), dictionary (the managed systems' data dictionary)."""
