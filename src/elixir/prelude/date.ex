# Date: the ISO calendar's days, as `~D[2015-01-13]` writes them. Written for this project
# from the documented behaviour; the day count is the proleptic Gregorian one (day 0 is
# 0000-01-01), computed by whole 400-year eras.

defmodule Date do
  defstruct year: nil, month: nil, day: nil, calendar: Calendar.ISO

  def new(year, month, day) when is_integer(year) and is_integer(month) and is_integer(day) do
    if month in 1..12 and day >= 1 and day <= month_days(year, month),
      do: {:ok, %Date{year: year, month: month, day: day}},
      else: {:error, :invalid_date}
  end

  def new!(year, month, day) do
    case new(year, month, day) do
      {:ok, date} -> date
      {:error, reason} -> raise ArgumentError, "cannot build date, reason: #{inspect(reason)}"
    end
  end

  def from_iso8601(<<y::binary-size(4), ?-, m::binary-size(2), ?-, d::binary-size(2)>>) do
    case __integers__([y, m, d]) do
      {:ok, [year, month, day]} -> new(year, month, day)
      :error -> {:error, :invalid_format}
    end
  end

  def from_iso8601(string) when is_binary(string), do: {:error, :invalid_format}

  def from_iso8601!(string), do: Date.__parsed__(from_iso8601(string), string, "date")

  # the fields of an ISO 8601 text as integers, each written whole (Time's too)
  def __integers__(texts) do
    ints = Enum.map(texts, &Integer.parse/1)

    if Enum.all?(ints, &match?({_, ""}, &1)),
      do: {:ok, Enum.map(ints, &elem(&1, 0))},
      else: :error
  end

  # "now" is the run's virtual clock, from 2016-02-11T00:00:00Z (the day Part 2 of the
  # series was published): a replay or a shared run reads the same times
  def utc_today(_ \\ Calendar.ISO), do: DateTime.to_date(DateTime.utc_now())

  # what a from_iso8601! answers (Date's, Time's, NaiveDateTime's)
  def __parsed__({:ok, value}, _string, _what), do: value

  def __parsed__({:error, reason}, string, what),
    do: raise(ArgumentError, "cannot parse #{inspect(string)} as #{what}, reason: #{inspect(reason)}")

  def to_iso8601(%{year: y, month: m, day: d}),
    do: "#{pad(y, 4)}-#{pad(m, 2)}-#{pad(d, 2)}"

  def to_string(date), do: to_iso8601(date)

  def compare(%{} = date1, %{} = date2),
    do: __order__({date1.year, date1.month, date1.day}, {date2.year, date2.month, date2.day})

  # :gt, :lt or :eq for two tuples of fields, most significant first (Time's too)
  def __order__(a, b) do
    cond do
      a > b -> :gt
      a < b -> :lt
      true -> :eq
    end
  end

  def leap_year?(%{year: year}), do: leap?(year)
  def days_in_month(%{year: year, month: month}), do: month_days(year, month)

  # Monday is 1
  def day_of_week(date), do: Integer.mod(to_days(date) + 5, 7) + 1
  def day_of_year(%{year: y} = date), do: to_days(date) - to_days(%Date{year: y, month: 1, day: 1}) + 1

  def add(date, days) when is_integer(days), do: from_days(to_days(date) + days)
  def diff(date1, date2), do: to_days(date1) - to_days(date2)

  def beginning_of_month(date), do: %{date | day: 1}
  def end_of_month(date), do: %{date | day: days_in_month(date)}

  def to_erl(%{year: y, month: m, day: d}), do: {y, m, d}
  def from_erl({y, m, d}), do: new(y, m, d)

  def range(first, last), do: Enum.map(0..diff(last, first), &add(first, &1))

  defp leap?(y), do: rem(y, 4) == 0 and (rem(y, 100) != 0 or rem(y, 400) == 0)
  defp month_days(y, 2), do: if(leap?(y), do: 29, else: 28)
  defp month_days(_, m) when m in [4, 6, 9, 11], do: 30
  defp month_days(_, _), do: 31

  defp pad(n, width) when n < 0, do: "-" <> pad(-n, width)
  defp pad(n, width), do: String.pad_leading(Integer.to_string(n), width, "0")

  # days since 0000-01-01, with March as the year's first month so that the leap day is
  # the last day of its year
  defp to_days(%{year: y, month: m, day: d}) do
    y = if m <= 2, do: y - 1, else: y
    era = Integer.floor_div(y, 400)
    yoe = y - era * 400
    mp = Integer.mod(m + 9, 12)
    doy = div(153 * mp + 2, 5) + d - 1
    doe = yoe * 365 + div(yoe, 4) - div(yoe, 100) + doy
    era * 146_097 + doe + 60
  end

  defp from_days(days) do
    z = days - 60
    era = Integer.floor_div(z, 146_097)
    doe = z - era * 146_097
    yoe = div(doe - div(doe, 1460) + div(doe, 36524) - div(doe, 146_096), 365)
    doy = doe - (365 * yoe + div(yoe, 4) - div(yoe, 100))
    mp = div(5 * doy + 2, 153)
    d = doy - div(153 * mp + 2, 5) + 1
    m = if mp < 10, do: mp + 3, else: mp - 9
    y = yoe + era * 400 + if(m <= 2, do: 1, else: 0)
    %Date{year: y, month: m, day: d}
  end
end

# Time and NaiveDateTime, as `~T[13:00:07.001]` and `~N[2015-01-13 13:00:07]` write them:
# the ISO calendar's clock, with microseconds kept as {value, digits shown}.
defmodule Time do
  defstruct hour: 0, minute: 0, second: 0, microsecond: {0, 0}, calendar: Calendar.ISO

  def new(hour, minute, second, microsecond \\ {0, 0})

  def new(hour, minute, second, microsecond) when is_integer(microsecond),
    do: new(hour, minute, second, {microsecond, 6})

  def new(hour, minute, second, {us, precision} = microsecond)
      when is_integer(hour) and is_integer(minute) and is_integer(second) do
    if hour in 0..23 and minute in 0..59 and second in 0..59 and us in 0..999_999 and precision in 0..6,
      do: {:ok, %Time{hour: hour, minute: minute, second: second, microsecond: microsecond}},
      else: {:error, :invalid_time}
  end

  def from_iso8601(<<h::binary-size(2), ?:, m::binary-size(2), ?:, s::binary-size(2), rest::binary>>) do
    with {:ok, [hour, minute, second]} <- Date.__integers__([h, m, s]),
         {:ok, microsecond} <- fraction(rest) do
      new(hour, minute, second, microsecond)
    else
      _ -> {:error, :invalid_format}
    end
  end

  def from_iso8601(string) when is_binary(string), do: {:error, :invalid_format}

  def from_iso8601!(string), do: Date.__parsed__(from_iso8601(string), string, "time")

  def to_iso8601(%{hour: h, minute: m, second: s, microsecond: us}),
    do: "#{pad(h)}:#{pad(m)}:#{pad(s)}" <> fraction_text(us)

  def to_string(time), do: to_iso8601(time)

  def compare(time1, time2) do
    Date.__order__(
      {time1.hour, time1.minute, time1.second, elem(time1.microsecond, 0)},
      {time2.hour, time2.minute, time2.second, elem(time2.microsecond, 0)}
    )
  end

  def utc_now(_ \\ Calendar.ISO), do: DateTime.to_time(DateTime.utc_now())

  def to_seconds_after_midnight(%{hour: h, minute: m, second: s, microsecond: {us, _}}),
    do: {h * 3600 + m * 60 + s, us}

  def add(time, amount, unit \\ :second) when unit in [:second, :minute, :hour] do
    factor = %{second: 1, minute: 60, hour: 3600}[unit]
    {seconds, _} = to_seconds_after_midnight(time)
    total = Integer.mod(seconds + amount * factor, 86_400)
    %{time | hour: div(total, 3600), minute: div(rem(total, 3600), 60), second: rem(total, 60)}
  end

  def diff(time1, time2, unit \\ :second) do
    {s1, _} = to_seconds_after_midnight(time1)
    {s2, _} = to_seconds_after_midnight(time2)
    div(s1 - s2, %{second: 1, minute: 60, hour: 3600}[unit])
  end

  # ".001" is {1000, 3}: up to six digits, as many shown as written
  def fraction(""), do: {:ok, {0, 0}}

  def fraction(<<?., digits::binary>>) when byte_size(digits) > 0 do
    case Integer.parse(digits) do
      {_, ""} ->
        shown = String.slice(digits, 0, 6)
        {:ok, {String.to_integer(String.pad_trailing(shown, 6, "0")), String.length(shown)}}

      _ ->
        :error
    end
  end

  def fraction(_), do: :error

  def fraction_text({_, 0}), do: ""

  def fraction_text({us, precision}),
    do: "." <> String.slice(String.pad_leading(Integer.to_string(us), 6, "0"), 0, precision)

  defp pad(n), do: String.pad_leading(Integer.to_string(n), 2, "0")
end

defmodule NaiveDateTime do
  defstruct year: nil, month: nil, day: nil, hour: 0, minute: 0, second: 0,
            microsecond: {0, 0}, calendar: Calendar.ISO

  def new(%Date{} = date, %Time{} = time) do
    {:ok,
     %NaiveDateTime{year: date.year, month: date.month, day: date.day, hour: time.hour,
       minute: time.minute, second: time.second, microsecond: time.microsecond}}
  end

  def from_iso8601(<<date::binary-size(10), sep, time::binary>>) when sep in [?\s, ?T] do
    with {:ok, d} <- Date.from_iso8601(date),
         {:ok, t} <- Time.from_iso8601(time) do
      new(d, t)
    end
  end

  def from_iso8601(string) when is_binary(string), do: {:error, :invalid_format}

  def from_iso8601!(string), do: Date.__parsed__(from_iso8601(string), string, "naive datetime")

  def utc_now(_ \\ Calendar.ISO), do: DateTime.to_naive(DateTime.utc_now())
  # the console has no time zone: local is UTC
  def local_now(_ \\ Calendar.ISO), do: utc_now()

  def to_date(naive), do: %Date{year: naive.year, month: naive.month, day: naive.day}

  def to_time(naive),
    do: %Time{hour: naive.hour, minute: naive.minute, second: naive.second, microsecond: naive.microsecond}

  def to_iso8601(naive), do: Date.to_iso8601(naive) <> "T" <> Time.to_iso8601(naive)
  def to_string(naive), do: Date.to_iso8601(naive) <> " " <> Time.to_iso8601(naive)

  def compare(naive1, naive2) do
    case Date.compare(naive1, naive2) do
      :eq -> Time.compare(naive1, naive2)
      order -> order
    end
  end

  def diff(naive1, naive2, unit \\ :second) do
    seconds = Date.diff(naive1, naive2) * 86_400 + Time.diff(naive1, naive2)
    div(seconds, %{second: 1, minute: 60, hour: 3600, day: 86_400}[unit])
  end

  def add(naive, amount, unit \\ :second) do
    seconds = amount * %{second: 1, minute: 60, hour: 3600, day: 86_400}[unit]
    {time_s, _} = Time.to_seconds_after_midnight(naive)
    total = time_s + seconds
    date = Date.add(to_date(naive), Integer.floor_div(total, 86_400))
    time = Time.add(to_time(naive), seconds)
    {:ok, result} = new(date, time)
    result
  end
end

# DateTime in UTC, as `~U[2015-01-13 13:00:07Z]` writes it: a NaiveDateTime's fields and
# the zone's (only "Etc/UTC": there is no time zone database here).
defmodule DateTime do
  defstruct year: nil, month: nil, day: nil, hour: 0, minute: 0, second: 0,
            microsecond: {0, 0}, time_zone: "Etc/UTC", zone_abbr: "UTC", utc_offset: 0,
            std_offset: 0, calendar: Calendar.ISO

  # "…Z" or "…+02:30": the datetime in UTC, and the offset it was written with
  def from_iso8601(string) when is_binary(string) do
    {text, offset} = split_offset(string)

    case NaiveDateTime.from_iso8601(text) do
      {:ok, _} when offset == nil -> {:error, :missing_offset}
      {:ok, naive} -> {:ok, from_naive!(NaiveDateTime.add(naive, -offset), "Etc/UTC"), offset}
      error -> error
    end
  end

  # the wall clock does not enter the runtime (time travel replays a run from its inputs)
  def utc_now(_ \\ Calendar.ISO), do: from_unix!(System.system_time(:microsecond), :microsecond)

  def __sigil_u__(string) do
    case from_iso8601(string) do
      {:ok, datetime, 0} -> datetime
      {:ok, _, _} -> sigil_error(string, :non_utc_offset)
      {:error, reason} -> sigil_error(string, reason)
    end
  end

  defp sigil_error(string, reason),
    do: raise(ArgumentError, "cannot parse #{inspect(string)} as UTC DateTime for Calendar.ISO, reason: #{inspect(reason)}")

  defp split_offset(string) do
    n = byte_size(string)

    cond do
      String.ends_with?(string, "Z") ->
        {binary_part(string, 0, n - 1), 0}

      n > 6 and binary_part(string, n - 6, 1) in ["+", "-"] and binary_part(string, n - 3, 1) == ":" ->
        <<sign, h::binary-size(2), ?:, m::binary-size(2)>> = binary_part(string, n - 6, 6)

        case Date.__integers__([h, m]) do
          {:ok, [h, m]} -> {binary_part(string, 0, n - 6), if(sign == ?-, do: -1, else: 1) * (h * 3600 + m * 60)}
          :error -> {string, nil}
        end

      true ->
        {string, nil}
    end
  end

  def new(%Date{} = date, %Time{} = time, time_zone \\ "Etc/UTC") do
    {:ok, naive} = NaiveDateTime.new(date, time)
    from_naive(naive, time_zone)
  end

  def new!(date, time, time_zone \\ "Etc/UTC"), do: bang(new(date, time, time_zone))

  def from_naive(naive, "Etc/UTC"), do: {:ok, struct(DateTime, Map.from_struct(naive))}
  def from_naive(_naive, _time_zone), do: {:error, :utc_only_time_zone_database}

  def from_naive!(naive, time_zone), do: bang(from_naive(naive, time_zone))

  defp bang({:ok, datetime}), do: datetime
  defp bang({:error, reason}), do: raise(ArgumentError, "cannot build datetime, reason: #{inspect(reason)}")

  def to_naive(datetime), do: struct(NaiveDateTime, Map.from_struct(datetime))
  def to_date(datetime), do: NaiveDateTime.to_date(datetime)
  def to_time(datetime), do: NaiveDateTime.to_time(datetime)

  def to_iso8601(datetime), do: NaiveDateTime.to_iso8601(datetime) <> "Z"
  def to_string(datetime), do: NaiveDateTime.to_string(datetime) <> "Z"

  def to_unix(datetime, unit \\ :second) do
    {seconds, us} = Time.to_seconds_after_midnight(datetime)
    days = Date.diff(datetime, %Date{year: 1970, month: 1, day: 1})
    Integer.floor_div((days * 86_400 + seconds) * 1_000_000 + us, per(unit))
  end

  def from_unix(integer, unit \\ :second) when is_integer(integer) do
    us = integer * per(unit)
    precision = %{second: 0, millisecond: 3}[unit] || 6
    {:ok, from_microseconds(us, precision)}
  end

  def from_unix!(integer, unit \\ :second), do: bang(from_unix(integer, unit))

  def add(datetime, amount, unit \\ :second) when is_integer(amount) do
    {_, precision} = datetime.microsecond
    precision = max(precision, %{millisecond: 3, microsecond: 6}[unit] || 0)
    from_microseconds(to_unix(datetime, :microsecond) + amount * per(unit), precision)
  end

  def diff(datetime1, datetime2, unit \\ :second),
    do: div(to_unix(datetime1, :microsecond) - to_unix(datetime2, :microsecond), per(unit))

  def compare(datetime1, datetime2),
    do: Date.__order__(to_unix(datetime1, :microsecond), to_unix(datetime2, :microsecond))

  def truncate(datetime, :microsecond), do: datetime
  def truncate(datetime, :second), do: %{datetime | microsecond: {0, 0}}

  def truncate(%{microsecond: {us, precision}} = datetime, :millisecond),
    do: %{datetime | microsecond: {div(us, 1000) * 1000, min(precision, 3)}}

  defp from_microseconds(us, precision) do
    seconds = Integer.floor_div(us, 1_000_000)
    date = Date.add(%Date{year: 1970, month: 1, day: 1}, Integer.floor_div(seconds, 86_400))
    s = Integer.mod(seconds, 86_400)
    time = %Time{hour: div(s, 3600), minute: div(rem(s, 3600), 60), second: rem(s, 60),
                 microsecond: {Integer.mod(us, 1_000_000), precision}}
    new!(date, time)
  end

  # microseconds in a unit
  defp per(:second), do: 1_000_000
  defp per(:millisecond), do: 1000
  defp per(:microsecond), do: 1
  defp per(:minute), do: 60_000_000
  defp per(:hour), do: 3_600_000_000
  defp per(:day), do: 86_400_000_000
end

# the calendar types print as the sigils that make them, and interpolate as ISO 8601
defimpl Inspect, for: [Date, Time, NaiveDateTime, DateTime] do
  def inspect(%Date{} = date, _opts), do: "~D[" <> Date.to_iso8601(date) <> "]"
  def inspect(%Time{} = time, _opts), do: "~T[" <> Time.to_iso8601(time) <> "]"
  def inspect(%NaiveDateTime{} = naive, _opts), do: "~N[" <> NaiveDateTime.to_string(naive) <> "]"
  def inspect(%DateTime{} = datetime, _opts), do: "~U[" <> DateTime.to_string(datetime) <> "]"
end

defimpl String.Chars, for: [Date, Time, NaiveDateTime, DateTime] do
  def to_string(value), do: value.__struct__.to_string(value)
end
