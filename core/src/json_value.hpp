// The core's JSON document: what rulesets, environments, cards and requests are read into, and
// what reports are built in before being written out.
//
// Why not nlohmann::json: the npm package has a size budget and the core used a small part of the
// library; measured in wasm, this type is 8 KB (gzip) smaller and faster at the core's work
// (README, "Deep links"). It keeps the part of nlohmann's interface the core uses, with the same
// meaning, so code reads the same: objects are ordered by key (a std::map, so written output is
// deterministic), `json{{"k", v}, …}` is an object when every element is a [string, value] pair,
// numbers keep their integer, unsigned or floating kind.
// Documents are built from text by parse_json (json_fields.hpp), never here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace handoffkit::detail {

class json_ref;

class json {
public:
    enum class value_t : std::uint8_t {
        null, boolean, number_integer, number_unsigned, number_float, string, array, object,
        discarded  // what a refused parse gives: not a value
    };
    using array_t = std::vector<json>;
    using object_t = std::map<std::string, json, std::less<>>;

    // One iterator for arrays and objects; key() only for objects. Null and scalars are empty.
    template <bool Const>
    class basic_iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using difference_type = std::ptrdiff_t;
        using value_type = json;
        using reference = std::conditional_t<Const, const json&, json&>;
        using pointer = std::conditional_t<Const, const json*, json*>;
        using array_it = std::conditional_t<Const, array_t::const_iterator, array_t::iterator>;
        using object_it = std::conditional_t<Const, object_t::const_iterator, object_t::iterator>;

        basic_iterator() = default;
        explicit basic_iterator(array_it a) : array_(a) {}
        explicit basic_iterator(object_it o) : in_object_(true), object_(o) {}

        reference operator*() const { return in_object_ ? object_->second : *array_; }
        pointer operator->() const { return &**this; }
        const std::string& key() const { return object_->first; }
        reference value() const { return **this; }
        basic_iterator& operator++() {
            if (in_object_) ++object_;
            else ++array_;
            return *this;
        }
        basic_iterator operator++(int) {
            basic_iterator before = *this;
            ++*this;
            return before;
        }
        bool operator==(const basic_iterator& o) const {
            return in_object_ ? object_ == o.object_ : array_ == o.array_;
        }
        bool operator!=(const basic_iterator& o) const { return !(*this == o); }

    private:
        bool in_object_ = false;
        array_it array_{};
        object_it object_{};
    };
    using iterator = basic_iterator<false>;
    using const_iterator = basic_iterator<true>;

    // `for (const auto& item : j.items())` gives item.key() and item.value(), as nlohmann's does.
    class items_range {
    public:
        class item_iterator : public const_iterator {
        public:
            explicit item_iterator(const_iterator it) : const_iterator(it) {}
            const item_iterator& operator*() const { return *this; }
        };
        items_range(const_iterator b, const_iterator e) : begin_(b), end_(e) {}
        item_iterator begin() const { return begin_; }
        item_iterator end() const { return end_; }

    private:
        item_iterator begin_, end_;
    };

    json() noexcept {}
    json(std::nullptr_t) noexcept {}
    json(value_t type);
    json(bool b) noexcept : type_(value_t::boolean) { v_.boolean = b; }
    template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
    json(T n) noexcept {
        if constexpr (std::is_signed_v<T>) {
            type_ = value_t::number_integer;
            v_.integer = n;
        } else {
            type_ = value_t::number_unsigned;
            v_.unsigned_integer = n;
        }
    }
    json(double d) noexcept : type_(value_t::number_float) { v_.floating = d; }
    json(const char* s) : json(std::string(s)) {}
    json(std::string_view s) : json(std::string(s)) {}
    json(std::string s);
    json(array_t a);
    json(object_t o);
    json(std::initializer_list<json_ref> init);
    /// A list of strings (std::vector, std::set of std::string or std::string_view) as an array.
    template <class List, class Item = typename List::value_type,
              std::enable_if_t<std::is_convertible_v<const Item&, std::string_view> &&
                                   !std::is_convertible_v<const List&, std::string_view>,
                               int> = 0>
    json(const List& items) : json(value_t::array) {
        for (const Item& item : items) v_.array->push_back(json(std::string_view(item)));
    }

    json(const json& other);
    json(json&& other) noexcept : type_(other.type_), v_(other.v_) { other.type_ = value_t::null; }
    json& operator=(json other) noexcept {
        swap(other);
        return *this;
    }
    ~json() { destroy(); }
    void swap(json& other) noexcept {
        std::swap(type_, other.type_);
        std::swap(v_, other.v_);
    }

    static json array() { return json(value_t::array); }
    static json object() { return json(value_t::object); }

    value_t type() const noexcept { return type_; }
    bool is_null() const noexcept { return type_ == value_t::null; }
    bool is_boolean() const noexcept { return type_ == value_t::boolean; }
    bool is_number_integer() const noexcept {
        return type_ == value_t::number_integer || type_ == value_t::number_unsigned;
    }
    bool is_number_unsigned() const noexcept { return type_ == value_t::number_unsigned; }
    bool is_number_float() const noexcept { return type_ == value_t::number_float; }
    bool is_number() const noexcept { return is_number_integer() || is_number_float(); }
    bool is_string() const noexcept { return type_ == value_t::string; }
    bool is_array() const noexcept { return type_ == value_t::array; }
    bool is_object() const noexcept { return type_ == value_t::object; }
    bool is_discarded() const noexcept { return type_ == value_t::discarded; }

    /// The value as T: bool, an arithmetic type (numbers convert like static_cast) or std::string.
    /// The caller checks the kind first; a wrong kind gives false, 0 or "" (never a throw).
    template <class T>
    T get() const {
        if constexpr (std::is_same_v<T, bool>) return is_boolean() && v_.boolean;
        else if constexpr (std::is_arithmetic_v<T>) {
            switch (type_) {
                case value_t::number_integer: return static_cast<T>(v_.integer);
                case value_t::number_unsigned: return static_cast<T>(v_.unsigned_integer);
                case value_t::number_float: return static_cast<T>(v_.floating);
                default: return T{};
            }
        } else {
            static_assert(std::is_same_v<T, std::string>, "get<T>: bool, a number type or std::string");
            return is_string() ? *v_.string : std::string();
        }
    }
    /// A reference to the stored string, array or object; the caller has checked the kind.
    template <class T>
    T get_ref() const {
        static_assert(std::is_const_v<std::remove_reference_t<T>>, "get_ref<T> const: a const reference");
        return *stored<std::remove_cv_t<std::remove_reference_t<T>>>();
    }
    template <class T>
    T get_ref() {
        return *stored<std::remove_cv_t<std::remove_reference_t<T>>>();
    }

    /// Objects: the member (a null one is added first; null becomes an empty object).
    json& operator[](std::string_view key);
    /// Objects: the member, or null when absent or not an object.
    const json& operator[](std::string_view key) const;
    json& operator[](const char* key) { return (*this)[std::string_view(key)]; }
    const json& operator[](const char* key) const { return (*this)[std::string_view(key)]; }
    /// Arrays: the item (the caller has checked the index).
    json& operator[](std::size_t i) { return (*v_.array)[i]; }
    const json& operator[](std::size_t i) const { return (*v_.array)[i]; }

    iterator find(std::string_view key);
    const_iterator find(std::string_view key) const;
    bool contains(std::string_view key) const;
    /// Objects: sets every member of `other` (an object) in this one.
    void update(const json& other);

    /// Arrays: appends (null becomes an empty array).
    void push_back(json item);

    /// Members of an object, items of an array; 0 for null, 1 for a scalar (as nlohmann counts).
    std::size_t size() const noexcept;
    bool empty() const noexcept { return size() == 0; }

    iterator begin();
    iterator end();
    const_iterator begin() const;
    const_iterator end() const;
    items_range items() const { return {begin(), end()}; }

    /// Compact JSON text: members in key order, strings escaped as nlohmann writes them (invalid
    /// UTF-8 becomes U+FFFD), integers exactly, floats as the shortest text that reads back the
    /// same (non-finite ones as null).
    std::string dump() const;
    void dump_to(std::string& out) const;

    friend bool operator==(const json& a, const json& b);
    friend bool operator!=(const json& a, const json& b) { return !(a == b); }

private:
    template <class U>
    U* stored() const {
        if constexpr (std::is_same_v<U, std::string>) return v_.string;
        else if constexpr (std::is_same_v<U, array_t>) return v_.array;
        else {
            static_assert(std::is_same_v<U, object_t>, "get_ref<T>: a string, array_t or object_t");
            return v_.object;
        }
    }
    void destroy() noexcept;
    object_t& as_object();

    value_t type_ = value_t::null;
    union storage {
        bool boolean;
        std::int64_t integer;
        std::uint64_t unsigned_integer;
        double floating;
        std::string* string;
        array_t* array;
        object_t* object;
    } v_{};
};

/// One element of a braced list `json{…}`: holds its value so that temporaries are moved into the
/// document rather than copied (an initializer_list's elements are otherwise const).
class json_ref {
public:
    template <class... Args, std::enable_if_t<std::is_constructible_v<json, Args&&...>, int> = 0>
    json_ref(Args&&... args) : value_(std::forward<Args>(args)...) {}
    json_ref(std::initializer_list<json_ref> init) : value_(init) {}
    const json& peek() const { return value_; }
    json take() const { return std::move(value_); }

private:
    mutable json value_;
};

/// `s` as a JSON string literal appended to `out`, as json::dump writes strings: byte for byte
/// what nlohmann's dump writes (with its `replace` handler: ill-formed UTF-8 becomes U+FFFD).
void append_json_string(std::string& out, std::string_view s);

}  // namespace handoffkit::detail
