/* no_entry: a shared library that defines no raftlab_entry at all (a student
 * passed the wrong library). It exports one unrelated function. */
__attribute__((visibility("default"))) int raftlab_test_unrelated(int x) { return x + 1; }
