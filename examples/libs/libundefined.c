/* A library that needs a function nobody provides: dlopen must return NULL
 * and name the symbol. */
extern int not_provided_anywhere(int);

int uses_it(int x) { return not_provided_anywhere(x) + 1; }
