# Erlang's :io.format/1,2,3 and :io_lib.format/2 with the control sequences the guides use
# (~p ~w ~s ~c ~f ~e ~g ~b ~B ~i ~n ~~, field width, precision and `-` to left-justify, the
# t modifier), and Erlang's way of writing terms (`{a,<<"bin">>,"chars",#{k => 1}}`), written
# for this console from OTP 25's output (tests/fixtures/iex/io_format.exs). Long terms are
# written on one line: ~p does not break them at 80 columns as OTP does.

defmodule :io_lib do
  def format(format, args) do
    chars = to_chars(format)

    unless is_list(args) do
      fail("2nd argument", "not a list")
    end

    case directives(chars, args, [], 1) do
      {out, []} -> Enum.reverse(out)
      {_, _} -> fail("1st argument", "wrong number of arguments")
    end
  end

  def write(term), do: :redfour_erl_term.write(term, false, false)

  defp to_chars(f) when is_binary(f), do: String.to_charlist(f)
  defp to_chars(f) when is_atom(f), do: Atom.to_charlist(f)
  defp to_chars(f) when is_list(f), do: List.flatten(f)

  defp fail(which, why) do
    raise ArgumentError, "errors were found at the given arguments:\n\n  * #{which}: #{why}\n"
  end

  defp directives([], args, out, _n), do: {out, args}

  defp directives([?~ | rest], args, out, n) do
    {width, rest, args} = number(rest, args)

    {precision, rest, args} =
      case rest do
        [?. | r] -> number(r, args)
        _ -> {nil, rest, args}
      end

    {rest, _pad} =
      case rest do
        [?., pad | r] -> {r, pad}
        _ -> {rest, ?\s}
      end

    {unicode, rest} =
      case rest do
        [?t | r] -> {true, r}
        [?l | r] -> {false, r}
        _ -> {false, rest}
      end

    case rest do
      [?n | r] -> directives(r, args, [?\n | out], n)
      [?~ | r] -> directives(r, args, [?~ | out], n)
      [c | r] -> control(c, width, precision, unicode, r, args, out, n)
      [] -> fail("1st argument", "format string invalid (truncated)")
    end
  end

  defp directives([c | rest], args, out, n), do: directives(rest, args, [c | out], n)

  defp number([?* | rest], [a | args]) when is_integer(a), do: {a, rest, args}
  defp number([?- | rest], args), do: negative(number(rest, args))

  defp number(chars, args) do
    {digits, rest} = Enum.split_while(chars, &(&1 in ?0..?9))

    case digits do
      [] -> {nil, rest, args}
      _ -> {List.to_integer(digits), rest, args}
    end
  end

  defp negative({nil, rest, args}), do: {nil, rest, args}
  defp negative({w, rest, args}), do: {-w, rest, args}

  defp control(c, width, precision, unicode, rest, args, out, n) do
    unless c in 'pPwWscfeEgbBi' do
      fail("1st argument", "format string invalid (invalid control ~#{<<c::utf8>>})")
    end

    case args do
      [] ->
        fail("1st argument", "wrong number of arguments")

      [arg | more] ->
        text = one(c, arg, width, precision, unicode, n)
        directives(rest, more, if(c == ?i, do: out, else: [text | out]), n + 1)
    end
  end

  defp one(?i, _arg, _w, _p, _u, _n), do: []
  defp one(c, arg, w, _p, u, _n) when c in [?p, ?P], do: pad(:redfour_erl_term.write(arg, true, u), w)
  defp one(c, arg, w, _p, _u, _n) when c in [?w, ?W], do: pad(:redfour_erl_term.write(arg, false, false), w)

  defp one(?s, arg, w, p, u, n) do
    chars =
      cond do
        is_binary(arg) and u -> String.to_charlist(arg)
        is_binary(arg) -> :binary.bin_to_list(arg)
        is_atom(arg) -> Atom.to_charlist(arg)
        is_list(arg) -> List.flatten(arg)
        true -> fail("2nd argument", "element #{n} must be of type string")
      end

    chars = if p, do: Enum.take(chars, p), else: chars
    pad(chars, w)
  end

  defp one(?c, arg, w, _p, _u, _n) when is_integer(arg), do: List.duplicate(arg, abs(w || 1))
  defp one(c, arg, w, p, _u, _n) when c in [?f, ?e, ?g] and is_number(arg), do: pad(float(c, arg / 1, p || 6), w)

  defp one(c, arg, w, p, _u, _n) when c in [?b, ?B] and is_integer(arg) do
    text = Integer.to_string(arg, p || 10)
    pad(String.to_charlist(if(c == ?b, do: String.downcase(text), else: text)), w)
  end

  defp one(_c, _arg, _w, _p, _u, _n), do: fail("1st argument", "failed to format string")

  # right-justified in a field of width w, left-justified for a negative w
  defp pad(chars, nil), do: chars

  defp pad(chars, w) do
    len = length(chars)

    cond do
      w < 0 and len < -w -> chars ++ List.duplicate(?\s, -w - len)
      w > 0 and len < w -> List.duplicate(?\s, w - len) ++ chars
      w > 0 and len > w -> List.duplicate(?*, w)
      true -> chars
    end
  end

  # OTP rounds the float's shortest digits, half up
  defp float(?f, _x, p) when p < 1, do: fail("1st argument", "failed to format string")
  defp float(?e, _x, p) when p < 2, do: fail("1st argument", "failed to format string")

  defp float(?f, x, p) do
    {d, e} = :redfour_erl_term.digits(x)
    n = scaled(String.to_integer(d), e + 1 - String.length(d) + p)
    unit = Integer.pow(10, p)
    frac = String.pad_leading(Integer.to_string(rem(n, unit)), p, "0")
    String.to_charlist(sign(x) <> Integer.to_string(div(n, unit)) <> "." <> frac)
  end

  defp float(?e, x, p) when x == 0, do: String.to_charlist("0." <> String.duplicate("0", p - 1) <> "e+0")

  defp float(?e, x, p) do
    {d, e} = :redfour_erl_term.digits(x)
    n = scaled(String.to_integer(d), p - String.length(d))
    {n, e} = if n >= Integer.pow(10, p), do: {div(n, 10), e + 1}, else: {n, e}
    [first | rest] = String.graphemes(Integer.to_string(n))
    exp = if e < 0, do: "-#{-e}", else: "+#{e}"
    String.to_charlist(sign(x) <> first <> "." <> Enum.join(rest) <> "e" <> exp)
  end

  defp float(?g, x, p) do
    if abs(x) >= 0.1 and abs(x) < 10_000 do
      {_, e} = :redfour_erl_term.digits(x)
      float(?f, x, max(p - 1 - e, 1))
    else
      float(?e, x, p)
    end
  end

  defp sign(x), do: if(x < 0, do: "-", else: "")

  # n * 10^s, rounded half up when s < 0
  defp scaled(n, s) when s >= 0, do: n * Integer.pow(10, s)
  defp scaled(n, s), do: div(n + 5 * Integer.pow(10, -s - 1), Integer.pow(10, -s))
end

defmodule :io do
  def format(format), do: format(format, [])
  def format(format, args), do: format(:standard_io, format, args)

  def format(device, format, args) do
    IO.write(device, :io_lib.format(format, args) |> List.flatten() |> List.to_string())
  end

  def fwrite(format), do: format(format)
  def fwrite(format, args), do: format(format, args)
  def fwrite(device, format, args), do: format(device, format, args)
end

# Terms as Erlang writes them: ~w, and ~p (printable lists as strings, printable binaries
# as <<"...">>, with t: <<"..."/utf8>>).
defmodule :redfour_erl_term do
  def write(t, pretty, unicode), do: String.to_charlist(w(t, pretty, unicode))

  defp w(t, _p, _u) when is_integer(t), do: Integer.to_string(t)
  defp w(t, _p, _u) when is_float(t), do: float(t)
  defp w(t, _p, _u) when is_atom(t), do: atom(t)
  defp w(t, _p, _u) when is_pid(t), do: String.trim_leading(inspect(t), "#PID")
  defp w(t, _p, _u) when is_reference(t), do: String.replace(inspect(t), "#Reference", "#Ref")
  defp w(t, _p, _u) when is_function(t), do: "#Fun<erl_eval>"
  defp w(t, p, u) when is_tuple(t), do: "{" <> items(Tuple.to_list(t), p, u) <> "}"
  defp w(t, p, u) when is_binary(t), do: binary(t, p, u)

  defp w(t, p, u) when is_map(t) do
    pairs =
      t
      |> Map.to_list()
      |> Enum.sort()
      |> Enum.map_join(",", fn {k, v} -> w(k, p, u) <> " => " <> w(v, p, u) end)

    "#" <> "{" <> pairs <> "}"
  end

  defp w([], _p, _u), do: "[]"

  defp w(t, p, u) when is_list(t) do
    if p and printable_list?(t) do
      inspect(List.to_string(t))
    else
      list(t, p, u, [])
    end
  end

  defp list([x | rest], p, u, acc) when is_list(rest), do: list(rest, p, u, [w(x, p, u) | acc])
  defp list([x], p, u, acc), do: list([], p, u, [w(x, p, u) | acc])
  defp list([], _p, _u, acc), do: "[" <> Enum.join(Enum.reverse(acc), ",") <> "]"
  defp list([x | tail], p, u, acc), do: "[" <> Enum.join(Enum.reverse([w(x, p, u) | acc]), ",") <> "|" <> w(tail, p, u) <> "]"

  defp items(list, p, u), do: Enum.map_join(list, ",", &w(&1, p, u))

  defp binary(b, true, true) do
    if String.valid?(b) and String.printable?(b) do
      "<<" <> inspect(b) <> "/utf8>>"
    else
      binary(b, true, false)
    end
  end

  defp binary(b, true, false) do
    bytes = :binary.bin_to_list(b)

    if bytes != [] and Enum.all?(bytes, &latin1_printable?/1) do
      "<<" <> inspect(List.to_string(bytes)) <> ">>"
    else
      binary(b, false, false)
    end
  end

  defp binary(b, false, _u), do: "<<" <> Enum.map_join(:binary.bin_to_list(b), ",", &Integer.to_string/1) <> ">>"

  defp printable_list?(l), do: Enum.all?(l, &(is_integer(&1) and latin1_printable?(&1)))

  defp latin1_printable?(c), do: c in 32..126 or c in 160..255 or c in [?\n, ?\r, ?\t, ?\v, ?\b, ?\f, ?\e]

  @reserved ~w(after and andalso band begin bnot bor bsl bsr bxor case catch cond div end fun if let not of or orelse receive rem try when xor maybe else)

  defp atom(a) do
    name = Atom.to_string(a)

    plain =
      case String.to_charlist(name) do
        [c | rest] when c in ?a..?z ->
          Enum.all?(rest, &(&1 in ?a..?z or &1 in ?A..?Z or &1 in ?0..?9 or &1 in [?_, ?@]))

        _ ->
          false
      end

    if plain and name not in @reserved do
      name
    else
      "'" <> String.replace(String.replace(name, "\\", "\\\\"), "'", "\\'") <> "'"
    end
  end

  # the shortest of the fixed and the scientific forms of the float's shortest digits
  defp float(x) do
    {digits, exp} = digits(x)
    sign = if x < 0, do: "-", else: ""
    [first | rest] = String.graphemes(digits)
    sci = first <> "." <> if(rest == [], do: "0", else: Enum.join(rest)) <> "e" <> Integer.to_string(exp)

    fixed =
      cond do
        exp >= 0 ->
          int = String.pad_trailing(String.slice(digits, 0, exp + 1), exp + 1, "0")
          frac = String.slice(digits, exp + 1, String.length(digits))
          int <> "." <> if(frac == "", do: "0", else: frac)

        true ->
          "0." <> String.duplicate("0", -exp - 1) <> digits
      end

    sign <> if(String.length(sci) < String.length(fixed), do: sci, else: fixed)
  end

  # the shortest digits that read back as x, and the exponent of the first
  def digits(x) do
    text = Float.to_string(abs(x))

    {mantissa, e} =
      case String.split(text, "e") do
        [m, e] -> {m, String.to_integer(e)}
        [m] -> {m, 0}
      end

    [int, frac] = String.split(mantissa, ".")
    all = String.trim_leading(int <> frac, "0")
    lead = String.length(int <> frac) - String.length(all)
    all = String.trim_trailing(all, "0")
    all = if all == "", do: "0", else: all
    {all, e + String.length(int) - 1 - lead}
  end
end
