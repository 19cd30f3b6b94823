# Small functions of the library written in the Elixir the console speaks (over the native
# ones: a call of a function these modules do not define reaches the native one). Written
# for this project from the documented behaviour.

# the exceptions a learner builds by hand (`%RuntimeError{}`); the console raises these and
# the others natively
defmodule RuntimeError do
  defexception message: "runtime error"
end

defmodule ArgumentError do
  defexception message: "argument error"
end

defmodule Function do
  def identity(value), do: value

  def info(fun) when is_function(fun), do: :erlang.fun_info(fun)
  def info(fun, item) when is_function(fun), do: :erlang.fun_info(fun, item)

  def capture(module, function_name, arity)
      when is_atom(module) and is_atom(function_name) and is_integer(arity),
      do: :erlang.make_fun(module, function_name, arity)
end

defmodule Integer do
  # the Bézout coefficients by the extended Euclidean algorithm; the gcd is not negative
  def extended_gcd(0, 0), do: {0, 0, 0}

  def extended_gcd(a, b) when is_integer(a) and is_integer(b) do
    {g, s, t} = bezout(a, b, 1, 0, 0, 1)
    if g < 0, do: {-g, -s, -t}, else: {g, s, t}
  end

  defp bezout(r0, 0, s0, _s1, t0, _t1), do: {r0, s0, t0}

  defp bezout(r0, r1, s0, s1, t0, t1) do
    q = div(r0, r1)
    bezout(r1, r0 - q * r1, s1, s0 - q * s1, t1, t0 - q * t1)
  end
end

defmodule Float do
  def to_charlist(float) when is_float(float), do: String.to_charlist(Float.to_string(float))

  def max_finite, do: 1.7976931348623157e308
  def min_finite, do: -1.7976931348623157e308

  def pow(base, exponent) when is_float(base) and is_number(exponent),
    do: :math.pow(base, exponent)

  # the float as a fraction in lowest terms: doubling a float is exact, so the first power
  # of two that makes it whole is its denominator
  def ratio(0.0), do: {0, 1}

  def ratio(float) when is_float(float) do
    {numerator, denominator} = whole(float, 1)
    gcd = Integer.gcd(numerator, denominator)
    {div(numerator, gcd), div(denominator, gcd)}
  end

  defp whole(x, d) do
    if x == trunc(x), do: {trunc(x), d}, else: whole(x * 2, d * 2)
  end
end

defmodule String do
  def at(string, position) when is_binary(string) and is_integer(position) and position >= 0,
    do: grapheme_at(string, position)

  # before the first grapheme counting from the end: nothing (slice would start at 0)
  def at(string, position) when is_binary(string) and is_integer(position) and position < 0 do
    if String.length(string) < -position, do: nil, else: grapheme_at(string, position)
  end

  defp grapheme_at(string, position) do
    case String.slice(string, position, 1) do
      "" -> nil
      grapheme -> grapheme
    end
  end

  def first(string) when is_binary(string) do
    case String.next_grapheme(string) do
      {grapheme, _} -> grapheme
      nil -> nil
    end
  end

  def last(string) when is_binary(string) do
    case String.slice(string, -1, 1) do
      "" -> nil
      grapheme -> grapheme
    end
  end

  def reverse(string) when is_binary(string),
    do: string |> String.graphemes() |> Enum.reverse() |> Enum.join()

  def split_at(string, position) when is_binary(string) and is_integer(position) do
    at = if position < 0, do: max(String.length(string) + position, 0), else: position
    {String.slice(string, 0, at), String.slice(string, at, String.length(string))}
  end

  def equivalent?(string1, string2),
    do: String.normalize(string1, :nfd) == String.normalize(string2, :nfd)

  # the padding becomes a list of graphemes, repeated (and cut) to fill the width
  def pad_leading(string, count, padding \\ [" "])

  def pad_leading(string, count, padding) when is_binary(padding),
    do: pad_leading(string, count, String.graphemes(padding))

  def pad_leading(string, count, [_ | _] = padding)
      when is_binary(string) and is_integer(count) and count >= 0,
      do: padding_for(string, count, padding) <> string

  def pad_trailing(string, count, padding \\ [" "])

  def pad_trailing(string, count, padding) when is_binary(padding),
    do: pad_trailing(string, count, String.graphemes(padding))

  def pad_trailing(string, count, [_ | _] = padding)
      when is_binary(string) and is_integer(count) and count >= 0,
      do: string <> padding_for(string, count, padding)

  defp padding_for(string, count, padding) do
    case count - String.length(string) do
      missing when missing > 0 ->
        unit = Kernel.length(padding)
        String.duplicate(Enum.join(padding), div(missing, unit)) <> Enum.join(Enum.take(padding, rem(missing, unit)))

      _ ->
        ""
    end
  end

  # 1 - the larger of the two bags' differences over the longer length (graphemes)
  def bag_distance(string1, string2) when is_binary(string1) and is_binary(string2) do
    g1 = String.graphemes(string1)
    g2 = String.graphemes(string2)

    case max(Kernel.length(g1), Kernel.length(g2)) do
      0 -> 1.0
      longest -> 1 - max(Kernel.length(g1 -- g2), Kernel.length(g2 -- g1)) / longest
    end
  end

  # Jaro's similarity: matches within half the longer length, and transpositions
  def jaro_distance(string1, string2) when is_binary(string1) and is_binary(string2) do
    g1 = String.graphemes(string1)
    g2 = String.graphemes(string2)

    cond do
      g1 == [] and g2 == [] -> 1.0
      g1 == [] or g2 == [] -> 0.0
      true -> jaro(g1, List.to_tuple(g2), Kernel.length(g1), Kernel.length(g2))
    end
  end

  defp jaro(g1, t2, l1, l2) do
    window = max(div(max(l1, l2), 2) - 1, 0)

    {matched, used} =
      g1
      |> Enum.with_index()
      |> Enum.reduce({[], MapSet.new()}, fn {c, i}, {matched, used} ->
        lo = max(0, i - window)
        hi = min(l2 - 1, i + window)

        j =
          if lo <= hi,
            do: Enum.find(lo..hi//1, fn j -> not MapSet.member?(used, j) and elem(t2, j) == c end)

        if j, do: {[c | matched], MapSet.put(used, j)}, else: {matched, used}
      end)

    case Kernel.length(matched) do
      0 ->
        0.0

      m ->
        in_order = used |> Enum.sort() |> Enum.map(&elem(t2, &1))
        swaps = Enum.zip(Enum.reverse(matched), in_order) |> Enum.count(fn {a, b} -> a != b end)
        (m / l1 + m / l2 + (m - swaps / 2) / m) / 3
    end
  end

  def printable?(string, :infinity), do: String.printable?(string)
  def printable?(_string, 0), do: true

  def printable?(string, limit) when is_integer(limit) and limit > 0 do
    case String.next_codepoint(string) do
      nil -> true
      {c, rest} -> String.printable?(c) and printable?(rest, limit - 1)
    end
  end

  # the binary cut where its code points change from valid to not (or printable to not)
  def chunk("", _trait), do: []

  def chunk(string, trait) when trait in [:valid, :printable] do
    string
    |> chunk_points(trait, [])
    |> Enum.chunk_by(fn {kind, _} -> kind end)
    |> Enum.map(fn run -> Enum.map_join(run, "", fn {_, c} -> c end) end)
  end

  defp chunk_points(string, trait, acc) do
    case String.next_codepoint(string) do
      nil ->
        Enum.reverse(acc)

      {c, rest} ->
        kind = if trait == :valid, do: String.valid?(c), else: String.printable?(c)
        chunk_points(rest, trait, [{kind, c} | acc])
    end
  end

  # what `~w(…)` makes when it interpolates
  def __words__(text, modifiers) do
    words = String.split(text)

    case modifiers do
      "a" -> Enum.map(words, &String.to_atom/1)
      "c" -> Enum.map(words, &String.to_charlist/1)
      _ -> words
    end
  end

  # the split's pieces one at a time (split first: the pieces are the same)
  def splitter(string, pattern, options \\ []), do: Stream.map(String.split(string, pattern, options), & &1)

  def myers_difference(string1, string2) when is_binary(string1) and is_binary(string2) do
    List.myers_difference(String.graphemes(string1), String.graphemes(string2))
    |> Enum.map(fn {op, chars} -> {op, Enum.join(chars)} end)
  end

  def trim_leading(string, ""), do: string

  def trim_leading(string, to_trim) when is_binary(to_trim) do
    if String.starts_with?(string, to_trim),
      do: trim_leading(binary_part(string, byte_size(to_trim), byte_size(string) - byte_size(to_trim)), to_trim),
      else: string
  end

  def trim_trailing(string, ""), do: string

  def trim_trailing(string, to_trim) when is_binary(to_trim) do
    if String.ends_with?(string, to_trim),
      do: trim_trailing(binary_part(string, 0, byte_size(string) - byte_size(to_trim)), to_trim),
      else: string
  end

  def trim(string, to_trim), do: string |> trim_leading(to_trim) |> trim_trailing(to_trim)

  def replace_prefix(string, match, replacement) do
    if String.starts_with?(string, match),
      do: replacement <> drop_bytes(string, byte_size(match)),
      else: string
  end

  def replace_suffix(string, match, replacement) do
    if String.ends_with?(string, match),
      do: keep_bytes(string, byte_size(string) - byte_size(match)) <> replacement,
      else: string
  end

  def replace_leading(string, match, replacement) do
    if match == "", do: raise(ArgumentError, "cannot use an empty string as the match to replace")
    {n, rest} = strip_leading(string, match, 0)
    String.duplicate(replacement, n) <> rest
  end

  def replace_trailing(string, match, replacement) do
    if match == "", do: raise(ArgumentError, "cannot use an empty string as the match to replace")
    {n, rest} = strip_trailing(string, match, 0)
    rest <> String.duplicate(replacement, n)
  end

  defp strip_leading(string, match, n) do
    if String.starts_with?(string, match),
      do: strip_leading(drop_bytes(string, byte_size(match)), match, n + 1),
      else: {n, string}
  end

  defp strip_trailing(string, match, n) do
    if String.ends_with?(string, match),
      do: strip_trailing(keep_bytes(string, byte_size(string) - byte_size(match)), match, n + 1),
      else: {n, string}
  end

  # the matches are whole strings, so their bytes end and start on character boundaries
  defp drop_bytes(string, n), do: String.slice(string, graphemes_in(string, n)..-1//1)
  defp keep_bytes(string, n), do: String.slice(string, 0, graphemes_in(string, n))

  # how many of the string's first characters its first `n` bytes hold
  defp graphemes_in(string, n), do: count(String.graphemes(string), n, 0)

  defp count(_, n, c) when n <= 0, do: c
  defp count([], _, c), do: c
  defp count([g | rest], n, c), do: count(rest, n - byte_size(g), c + 1)
end

defmodule Range do
  def shift(%Range{first: first, last: last, step: step}, steps) when is_integer(steps),
    do: (first + steps * step)..(last + steps * step)//step

  # Whether no integer is in both: each range as its ascending progression, then the
  # Chinese remainder theorem for the first common member at or after both starts.
  def disjoint?(a, b) do
    case {ascending(a), ascending(b)} do
      {nil, _} -> true
      {_, nil} -> true
      {{a1, e1, s1}, {a2, e2, s2}} -> no_common(a1, e1, s1, a2, e2, s2)
    end
  end

  defp no_common(a1, e1, s1, a2, e2, s2) do
    lo = max(a1, a2)
    hi = min(e1, e2)
    {g, p, _} = Integer.extended_gcd(s1, s2)

    cond do
      lo > hi -> true
      rem(a2 - a1, g) != 0 -> true
      true ->
        m = div(s2, g)
        t = rem(rem(p * rem(div(a2 - a1, g), m), m) + m, m)
        x0 = a1 + s1 * t
        l = div(s1, g) * s2
        x = x0 + l * ceil_div(lo - x0, l)
        x > hi
    end
  end

  defp ceil_div(a, b), do: -Integer.floor_div(-a, b)

  # {smallest, largest, step > 0}, or nil when empty
  defp ascending(%Range{first: first, step: step} = range) do
    size = Range.size(range)

    cond do
      size == 0 -> nil
      step > 0 -> {first, first + step * (size - 1), step}
      true -> {first + step * (size - 1), first, -step}
    end
  end
end
