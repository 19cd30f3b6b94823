# Calendar.strftime/3: a date, time or datetime written by a format such as "%Y-%m-%d",
# with Elixir 1.14's conversions and padding modifiers. Written for this project from the
# documented behaviour.

defmodule Calendar do
  @moduledoc "Calendar.strftime(~U[2024-02-09 07:05:03Z], \"%A, %B %-d %Y at %I:%M %p\") writes a date, time or datetime by a format."

  def strftime(value, format, _options \\ []) when is_map(value) and is_binary(format),
    do: write(format, value, "")

  defp write("", _value, acc), do: acc

  defp write("%" <> rest, value, acc) do
    {pad, width, conversion, rest} = modifiers(rest, nil, nil)
    write(rest, value, acc <> field(conversion, pad, width, value))
  end

  defp write(<<c::utf8, rest::binary>>, value, acc), do: write(rest, value, acc <> <<c::utf8>>)

  # `%-d` (no padding), `%_d` (spaces), `%0d` (zeros), `%10Y` (a width)
  defp modifiers(<<c, rest::binary>>, nil, nil) when c in [?-, ?_, ?0], do: modifiers(rest, c, nil)

  defp modifiers(<<d, rest::binary>>, pad, width) when d in ?0..?9,
    do: modifiers(rest, pad, (width || 0) * 10 + d - ?0)

  defp modifiers(<<c, rest::binary>>, pad, width), do: {pad, width, c, rest}
  defp modifiers("", _pad, _width), do: raise(ArgumentError, "invalid strftime format: %")

  defp field(?%, _, _, _), do: "%"
  defp field(?Y, p, w, v), do: number(v.year, p, w, 4)
  defp field(?y, p, w, v), do: number(rem(v.year, 100), p, w, 2)
  defp field(?m, p, w, v), do: number(v.month, p, w, 2)
  defp field(?d, p, w, v), do: number(v.day, p, w, 2)
  defp field(?H, p, w, v), do: number(v.hour, p, w, 2)
  defp field(?I, p, w, v), do: number(rem(v.hour + 11, 12) + 1, p, w, 2)
  defp field(?M, p, w, v), do: number(v.minute, p, w, 2)
  defp field(?S, p, w, v), do: number(v.second, p, w, 2)
  defp field(?j, p, w, v), do: number(Date.day_of_year(date(v)), p, w, 3)
  defp field(?u, p, w, v), do: number(Date.day_of_week(date(v)), p, w, 1)
  defp field(?q, p, w, v), do: number(div(v.month - 1, 3) + 1, p, w, 1)
  defp field(?p, p, w, v), do: text(if(v.hour < 12, do: "AM", else: "PM"), p, w)
  defp field(?P, p, w, v), do: text(if(v.hour < 12, do: "am", else: "pm"), p, w)
  defp field(?A, p, w, v), do: text(day_name(v), p, w)
  defp field(?a, p, w, v), do: text(String.slice(day_name(v), 0, 3), p, w)
  defp field(?B, p, w, v), do: text(month_name(v.month), p, w)
  defp field(?b, p, w, v), do: text(String.slice(month_name(v.month), 0, 3), p, w)
  defp field(?Z, p, w, v), do: text(v.zone_abbr, p, w)

  defp field(?f, p, w, v) do
    {us, precision} = v.microsecond
    text(String.slice(String.pad_leading(Integer.to_string(us), 6, "0"), 0, precision), p, w)
  end

  defp field(?z, p, w, v) do
    offset = v.utc_offset + v.std_offset
    sign = if offset < 0, do: "-", else: "+"
    abs = Kernel.abs(offset)
    text(sign <> number(div(abs, 3600), nil, nil, 2) <> number(div(rem(abs, 3600), 60), nil, nil, 2), p, w)
  end

  defp field(?c, _, _, v), do: write("%Y-%m-%d %H:%M:%S", v, "")
  defp field(?x, _, _, v), do: write("%Y-%m-%d", v, "")
  defp field(?X, _, _, v), do: write("%H:%M:%S", v, "")
  defp field(c, _, _, _), do: raise(ArgumentError, "invalid strftime format: %" <> <<c::utf8>>)

  defp number(n, ?-, _width, _default), do: Integer.to_string(n)
  defp number(n, ?_, width, default), do: String.pad_leading(Integer.to_string(n), width || default, " ")
  defp number(n, _zero, width, default), do: String.pad_leading(Integer.to_string(n), width || default, "0")

  defp text(s, _pad, nil), do: s
  defp text(s, ?0, width), do: String.pad_leading(s, width, "0")
  defp text(s, _pad, width), do: String.pad_leading(s, width, " ")

  defp date(v), do: %Date{year: v.year, month: v.month, day: v.day}

  defp day_name(v),
    do: Enum.at(~w(Monday Tuesday Wednesday Thursday Friday Saturday Sunday), Date.day_of_week(date(v)) - 1)

  defp month_name(m),
    do: Enum.at(~w(January February March April May June July August September October November December), m - 1)
end
