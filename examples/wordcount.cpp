// wordcount: counts whitespace-separated words, outputs "word count" lines sorted by word; proves C++ (libc++ std::string/std::map, static init) works.
#include <faasm/faasm.h>
#include <map>
#include <string>
#include <vector>

static bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int main() {
    int32_t len = faasmGetInputSize();
    std::vector<uint8_t> input(len > 0 ? (size_t)len : 0);
    if (len > 0) len = faasmGetInput(input.data(), len);
    std::string text(input.begin(), input.begin() + (len > 0 ? len : 0));

    std::map<std::string, int> counts;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && isSpace(text[i])) i++;
        size_t start = i;
        while (i < text.size() && !isSpace(text[i])) i++;
        if (i > start) counts[text.substr(start, i - start)]++;
    }

    std::string out;
    for (const auto& kv : counts) {
        out += kv.first;
        out += ' ';
        out += std::to_string(kv.second);
        out += '\n';
    }
    faasmSetOutput(reinterpret_cast<const uint8_t*>(out.data()), (int32_t)out.size());
    return 0;
}
