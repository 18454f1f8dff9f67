#include <stdio.h>

int main(void) {
    puts("greetings from a static binary");
    return 0;
}
